package bench;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import localstack.LocalStack;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * notificationGenerator on a market of W winners (default 100 000): the market is selected first by the app
 * (APP_NAME=enqueueMarketSelections, not timed), then an app with APP_STACK=notification gets the market's
 * notificationQueue message, and the clock runs until W notifications have reached an SQS queue subscribed to the
 * SNS topic {@code notifications} (raw delivery, as the downstream sender would read them). Baseline in the same run:
 * a raw SDK loop publishing W notifications of the same size to the same topic with PublishBatch of 10, 2 threads,
 * no DynamoDB. Checked: W distinct notificationIds, one per winner; the market NOTIFIED.
 */
final class NotificationBench extends StackBenchmark<NotificationBench.Result> {

    static final String NAME = "notification";
    static final int DEFAULT_WINNERS = 100_000;
    static final String USAGE = "  notification:     [--n WINNERS (default " + DEFAULT_WINNERS + ")]";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "notifications";
    private static final String SENDER_QUEUE = "bench-notification-sender";

    static Options parse(String[] args) {
        int winners = DEFAULT_WINNERS;
        for (int i = 1; i < args.length; i++) {
            if (!args[i].equals("--n") || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "' for notification\n" + USAGE);
            }
            winners = Integer.parseInt(args[++i]);
        }
        if (winners <= 0) {
            throw new IllegalArgumentException("--n must be positive");
        }
        return new Options(NAME, winners, 1, 0, 2, 2, Options.DEFAULT_CONNECTIONS, Options.DEFAULT_SECONDS, 0);
    }

    static final class Result extends Benchmark.Result {
        public int winners;
        public double selectionSeconds;
        public double appSeconds;
        public double appNotificationsPerSec;
        public double appCpuSeconds;
        public double baselineSeconds;
        public double baselineNotificationsPerSec;
        public double ratio;
        public int distinctNotifications;
        public int duplicates;
        public String marketStatus;
        public List<String> problems = new ArrayList<>();
    }

    NotificationBench(Options options, Path root, LocalStack stack) {
        super(options, root, stack);
    }

    @Override
    public String table(Result result) {
        return result.header("notification: notificationGenerator on one market")
                + String.format(
                        """
                winners %,d (selected by the app first in %.1f s, not timed)
                app (APP_STACK=notification): %,.0f notifications/s (%.1f s for all; app CPU %.1f s)
                baseline (raw PublishBatch of 10, 2 threads, same topic and subscription): %,.0f notifications/s (%.1f s)
                ratio app / baseline: %.2f
                received: %,d distinct notifications, %d duplicates; market %s
                correct: %s %s
                """,
                        result.winners,
                        result.selectionSeconds,
                        result.appNotificationsPerSec,
                        result.appSeconds,
                        result.appCpuSeconds,
                        result.baselineNotificationsPerSec,
                        result.baselineSeconds,
                        result.ratio,
                        result.distinctNotifications,
                        result.duplicates,
                        result.marketStatus,
                        result.allCorrect,
                        result.problems.isEmpty() ? "" : result.problems.toString());
    }

    @Override
    public Result run() throws Exception {
        int winners = options.messages();
        Result result = new Result();
        result.machine = machine("");
        result.command = "bench/run notification --n " + winners;
        result.winners = winners;
        stack.subscribeTestQueue(TOPIC, SENDER_QUEUE);
        String senderUrl =
                stack.sqs().getQueueUrl(b -> b.queueName(SENDER_QUEUE)).queueUrl();

        BenchMarket market =
                BenchMarket.seed(stack.standIns(), NAME, "Bench Arena", winners, winners + winners / 50, 3);
        String campaignId = market.campaignId();

        try (AppProcess selector = AppProcess.start(
                root, appJar(), "enqueueMarketSelections", stack.appConfig(), appLog("notification-selection-app"))) {
            selector.awaitReady(Duration.ofSeconds(180));
            long start = System.nanoTime();
            HttpResponse<String> selected =
                    selector.post("/selections/markets", market.target(), Duration.ofMinutes(5));
            result.selectionSeconds = Stats.round(Stats.seconds(System.nanoTime() - start), 1);
            if (selected.statusCode() != 200
                    || JSON.readTree(selected.body()).get("winners").asInt() != winners) {
                throw new IllegalStateException("selection failed: " + selected.statusCode() + " " + selected.body());
            }
        }
        stack.sqs()
                .purgeQueue(b -> b.queueUrl(stack.sqs()
                        .getQueueUrl(q -> q.queueName("saveSelectionQueue"))
                        .queueUrl()));
        log("notification: %d winners selected in %.1f s", winners, result.selectionSeconds);

        Path log = appLog("notification-app");
        try (AppProcess app = AppProcess.startStack(root, appJar(), "notification", stack.appConfig(), log, null)) {
            app.awaitReady(Duration.ofSeconds(180));
            AppProcess.KernelCounters before = app.kernelCounters();
            long start = System.nanoTime();
            stack.sqs()
                    .sendMessage(b -> b.queueUrl(stack.sqs()
                                    .getQueueUrl(q -> q.queueName("notificationQueue"))
                                    .queueUrl())
                            .messageBody(market.target()));
            Set<String> ids = ConcurrentHashMap.newKeySet();
            int received = drain(senderUrl, winners, ids, Duration.ofMinutes(10));
            result.appSeconds = Stats.round(Stats.seconds(System.nanoTime() - start), 2);
            AppProcess.KernelCounters after = app.kernelCounters();
            result.appCpuSeconds = Stats.round(after.cpuSecondsSince(before), 1);
            result.appNotificationsPerSec = Stats.round(received / result.appSeconds, 0);
            result.distinctNotifications = ids.size();
            result.duplicates = received - ids.size();
            Thread.sleep(1_000);
            var item = stack.dynamo()
                    .getItem(b -> b.tableName("demand-table")
                            .consistentRead(true)
                            .key(Map.of(
                                    "pk",
                                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                                    "NOTIFY#MARKETS"),
                                    "sk",
                                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                                    "CAMPAIGN#" + campaignId + "#MARKET#" + market.marketId() + "#DATE#"
                                                            + market.dateId()))))
                    .item();
            result.marketStatus = item == null || !item.containsKey("status")
                    ? "unknown"
                    : item.get("status").s();
            if (AppProcess.LogLevels.of(log).errors() > 0) {
                result.problems.add("ERROR lines in the app log");
            }
        }
        log("notification: app %.0f notifications/s", result.appNotificationsPerSec);

        long start = System.nanoTime();
        publishRaw(market, winners);
        Set<String> baselineIds = ConcurrentHashMap.newKeySet();
        int baselineReceived = drain(senderUrl, winners, baselineIds, Duration.ofMinutes(10));
        result.baselineSeconds = Stats.round(Stats.seconds(System.nanoTime() - start), 2);
        result.baselineNotificationsPerSec = Stats.round(baselineReceived / result.baselineSeconds, 0);
        result.ratio = Stats.round(result.appNotificationsPerSec / result.baselineNotificationsPerSec, 2);
        log("notification: baseline %.0f notifications/s", result.baselineNotificationsPerSec);

        if (result.distinctNotifications != winners) {
            result.problems.add(result.distinctNotifications + " distinct notifications for " + winners + " winners");
        }
        if (result.duplicates != 0) {
            result.problems.add(result.duplicates + " duplicates");
        }
        if (!"NOTIFIED".equals(result.marketStatus)) {
            result.problems.add("market status " + result.marketStatus);
        }
        result.medians.put("appNotificationsPerSec", result.appNotificationsPerSec);
        result.medians.put("baselineNotificationsPerSec", result.baselineNotificationsPerSec);
        result.medians.put("ratio", result.ratio);
        result.allCorrect = result.problems.isEmpty();
        return result;
    }

    /** Receives and deletes until {@code expected} messages arrived (or the timeout); collects notificationIds. */
    private int drain(String queueUrl, int expected, Set<String> ids, Duration timeout) throws Exception {
        SqsClient sqs = stack.sqs();
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        long deadline = System.nanoTime() + timeout.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(pool.submit(() -> {
                while (!done.get() && System.nanoTime() < deadline) {
                    List<Message> messages = sqs.receiveMessage(b ->
                                    b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                            .messages();
                    if (messages.isEmpty()) {
                        continue;
                    }
                    List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
                    for (Message message : messages) {
                        try {
                            ids.add(JSON.readTree(message.body())
                                    .get("notificationId")
                                    .asText());
                        } catch (Exception e) {
                            ids.add("unreadable-" + message.messageId());
                        }
                        deletes.add(DeleteMessageBatchRequestEntry.builder()
                                .id(Integer.toString(deletes.size()))
                                .receiptHandle(message.receiptHandle())
                                .build());
                    }
                    sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(deletes));
                    if (received.addAndGet(messages.size()) >= expected) {
                        done.set(true);
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        return received.get();
    }

    /** The baseline: W notifications of the app's shape, PublishBatch of 10 from 2 threads. */
    private void publishRaw(BenchMarket market, int winners) throws Exception {
        SnsClient sns = stack.sns();
        String topicArn = sns.createTopic(b -> b.name(TOPIC)).topicArn();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int thread = t;
            threads.add(pool.submit(() -> {
                for (int start = thread * 10; start < winners; start += 20) {
                    List<PublishBatchRequestEntry> entries = new ArrayList<>(10);
                    for (int i = start; i < Math.min(winners, start + 10); i++) {
                        ObjectNode notification = JSON.createObjectNode()
                                .put("notificationId", "baseline-" + i)
                                .put("type", "PRESALE_CODE")
                                .put("globalUserId", "user-" + i)
                                .put("campaignId", market.campaignId())
                                .put("marketId", market.marketId())
                                .put("dateId", market.dateId())
                                .put("code", "C-" + i)
                                .put("rank", i + 1)
                                .put("campaignName", "Bench")
                                .put("marketName", "Bench Arena");
                        entries.add(PublishBatchRequestEntry.builder()
                                .id(Integer.toString(i - start))
                                .message(notification.toString())
                                .build());
                    }
                    sns.publishBatch(b -> b.topicArn(topicArn).publishBatchRequestEntries(entries));
                }
                return null;
            }));
        }
        for (Future<?> thread : threads) {
            thread.get();
        }
        pool.shutdown();
    }
}
