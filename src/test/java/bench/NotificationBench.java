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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import localstack.LocalStack;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * notificationGenerator on a market of N winners (default 100 000): the market is selected first by the app
 * (APP_NAME=enqueueMarketSelections, not timed), then an app with APP_STACK=notification gets the market's
 * notificationQueue message, and the clock runs until N notifications have reached an SQS queue subscribed to the
 * SNS topic {@code notifications} (raw delivery, as the downstream sender would read them). Baseline in the same run:
 * a raw SDK loop publishing N notifications of the same shape (fields and message attributes) to the same topic with
 * PublishBatch of 10, 2 threads, no DynamoDB. Both are warmed first by a market of W (default 3 N) winners, not timed:
 * the app notifies a second selected market, the baseline publishes W of its own. Checked: N distinct
 * notificationIds, one per winner; the market NOTIFIED; the warm-ups complete.
 */
final class NotificationBench extends StackBenchmark<NotificationBench.Result> {

    static final String NAME = "notification";
    static final int DEFAULT_WINNERS = 100_000;
    static final String USAGE = "  notification:     [--n WINNERS (default " + DEFAULT_WINNERS
            + ")] [--warmup W (default 3 N: a market of W winners first, for the app and the baseline alike,"
            + " so that the app's JIT compilers have settled)]";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "notifications";
    private static final String SENDER_QUEUE = "bench-notification-sender";

    static Options parse(String[] args) {
        int winners = DEFAULT_WINNERS;
        int warmup = -1;
        for (int i = 1; i < args.length; i++) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for '" + args[i] + "'\n" + USAGE);
            }
            switch (args[i]) {
                case "--n" -> winners = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default ->
                    throw new IllegalArgumentException("unknown argument '" + args[i] + "' for notification\n" + USAGE);
            }
        }
        if (winners <= 0 || warmup < -1) {
            throw new IllegalArgumentException("--n must be positive, --warmup zero or more");
        }
        return new Options(
                NAME,
                winners,
                1,
                warmup < 0 ? 3 * winners : warmup,
                2,
                2,
                Options.DEFAULT_CONNECTIONS,
                Options.DEFAULT_SECONDS,
                0);
    }

    static final class Result extends Benchmark.Result {
        public int winners;
        public int warmupWinners;
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
        /** who used the CPU while the app's market went out, and while the baseline's did */
        public CpuWindow.Recorded appCpu = new CpuWindow.Recorded();

        public CpuWindow.Recorded baselineCpu = new CpuWindow.Recorded();
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
                winners %,d (selected by the app first in %.1f s, not timed); warm-up market of %,d first, app and baseline alike
                app (APP_STACK=notification): %,.0f notifications/s (%.1f s for all; app CPU %.1f s)
                  machine busy %.2f; cores %s; app by thread kind %s
                baseline (raw PublishBatch of 10, 2 threads, same topic and subscription): %,.0f notifications/s (%.1f s)
                  machine busy %.2f; cores %s
                ratio app / baseline: %.2f
                received: %,d distinct notifications, %d duplicates; market %s
                correct: %s %s
                """,
                        result.winners,
                        result.selectionSeconds,
                        result.warmupWinners,
                        result.appNotificationsPerSec,
                        result.appSeconds,
                        result.appCpuSeconds,
                        result.appCpu.machineBusy,
                        result.appCpu.coresUsed,
                        result.appCpu.appCoresByThreadKind,
                        result.baselineNotificationsPerSec,
                        result.baselineSeconds,
                        result.baselineCpu.machineBusy,
                        result.baselineCpu.coresUsed,
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
        int warmup = options.warmup();
        Result result = new Result();
        result.machine = machine("");
        result.command = "bench/run notification --n " + winners + " --warmup " + warmup;
        result.winners = winners;
        result.warmupWinners = warmup;
        stack.subscribeTestQueue(TOPIC, SENDER_QUEUE);
        String senderUrl =
                stack.sqs().getQueueUrl(b -> b.queueName(SENDER_QUEUE)).queueUrl();

        BenchMarket market =
                BenchMarket.seed(stack.standIns(), NAME, "Bench Arena", winners, winners + winners / 50, 3);
        BenchMarket warmupMarket = warmup == 0
                ? null
                : BenchMarket.seed(
                        stack.standIns(), NAME + "-warmup", "Warm-up Arena", warmup, warmup + warmup / 50, 4);
        try (AppProcess selector = AppProcess.start(
                root, appJar(), "enqueueMarketSelections", stack.appConfig(), appLog("notification-selection-app"))) {
            selector.awaitReady(Duration.ofSeconds(180));
            long start = System.nanoTime();
            select(selector, market, winners);
            result.selectionSeconds = Stats.round(Stats.seconds(System.nanoTime() - start), 1);
            if (warmupMarket != null) {
                select(selector, warmupMarket, warmup);
            }
        }
        stack.sqs()
                .purgeQueue(b -> b.queueUrl(stack.sqs()
                        .getQueueUrl(q -> q.queueName("saveSelectionQueue"))
                        .queueUrl()));
        log(
                "notification: %d winners selected in %.1f s (and %d warm-up winners)",
                winners, result.selectionSeconds, warmup);

        Path log = appLog("notification-app");
        try (AppProcess app = AppProcess.startStack(
                root, appJar(), "notification", stack.appConfig(), log, appJfr("notification-app"))) {
            app.awaitReady(Duration.ofSeconds(180));
            if (warmupMarket != null) {
                long start = System.nanoTime();
                notify(warmupMarket);
                Set<String> warmupIds = ConcurrentHashMap.newKeySet();
                int received = drain(senderUrl, warmup, warmupIds, Duration.ofMinutes(10));
                requireAll("app warm-up", warmup, received, warmupIds, result);
                log(
                        "notification: app warm-up, %d notifications in %.1f s",
                        warmup, Stats.seconds(System.nanoTime() - start));
                awaitNotified(warmupMarket);
            }
            CpuWindow cpu = CpuWindow.open(app, null);
            long start = System.nanoTime();
            notify(market);
            Set<String> ids = ConcurrentHashMap.newKeySet();
            int received = drain(senderUrl, winners, ids, Duration.ofMinutes(10));
            CpuWindow.Used used = cpu.close();
            result.appSeconds = Stats.round(used.wallSeconds(), 2);
            result.appCpuSeconds = Stats.round(used.appCpuSeconds(), 1);
            result.appCpu.cpu(used);
            result.appNotificationsPerSec = Stats.round(received / result.appSeconds, 0);
            result.distinctNotifications = ids.size();
            result.duplicates = received - ids.size();
            result.marketStatus = awaitNotified(market);
            if (AppProcess.LogLevels.of(log).errors() > 0) {
                result.problems.add("ERROR lines in the app log");
            }
        }
        log("notification: app %.0f notifications/s", result.appNotificationsPerSec);

        if (warmup > 0) {
            publishRaw(market, "warmup-", warmup);
            Set<String> warmupIds = ConcurrentHashMap.newKeySet();
            int received = drain(senderUrl, warmup, warmupIds, Duration.ofMinutes(10));
            requireAll("baseline warm-up", warmup, received, warmupIds, result);
        }
        CpuWindow cpu = CpuWindow.open(null, null);
        publishRaw(market, "baseline-", winners);
        Set<String> baselineIds = ConcurrentHashMap.newKeySet();
        int baselineReceived = drain(senderUrl, winners, baselineIds, Duration.ofMinutes(10));
        CpuWindow.Used used = cpu.close();
        result.baselineSeconds = Stats.round(used.wallSeconds(), 2);
        result.baselineCpu.cpu(used);
        result.baselineNotificationsPerSec = Stats.round(baselineReceived / result.baselineSeconds, 0);
        result.ratio = Stats.round(result.appNotificationsPerSec / result.baselineNotificationsPerSec, 2);
        log("notification: baseline %.0f notifications/s", result.baselineNotificationsPerSec);
        requireAll("baseline", winners, baselineReceived, baselineIds, result);

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

    private static void select(AppProcess selector, BenchMarket market, int winners) throws Exception {
        HttpResponse<String> selected = selector.post("/selections/markets", market.target(), Duration.ofMinutes(5));
        if (selected.statusCode() != 200
                || JSON.readTree(selected.body()).get("winners").asInt() != winners) {
            throw new IllegalStateException("selection failed: " + selected.statusCode() + " " + selected.body());
        }
    }

    /** The market's notificationQueue message, as getMarketsToNotify sends it. */
    private void notify(BenchMarket market) {
        stack.sqs()
                .sendMessage(b -> b.queueUrl(stack.sqs()
                                .getQueueUrl(q -> q.queueName("notificationQueue"))
                                .queueUrl())
                        .messageBody(market.target()));
    }

    /** The market's status once it is NOTIFIED, or the last one seen within 10 s (it is marked after its last send). */
    private String awaitNotified(BenchMarket market) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String status;
        do {
            var item = stack.dynamo()
                    .getItem(b -> b.tableName("demand-table")
                            .consistentRead(true)
                            .key(Map.of(
                                    "pk", AttributeValue.fromS("NOTIFY#MARKETS"),
                                    "sk",
                                            AttributeValue.fromS("CAMPAIGN#" + market.campaignId() + "#MARKET#"
                                                    + market.marketId() + "#DATE#" + market.dateId()))))
                    .item();
            status = item == null || !item.containsKey("status")
                    ? "unknown"
                    : item.get("status").s();
            if (status.equals("NOTIFIED")) {
                return status;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return status;
    }

    private static void requireAll(String phase, int expected, int received, Set<String> ids, Result result) {
        if (received != expected || ids.size() != expected) {
            result.problems.add(
                    phase + ": " + received + " received, " + ids.size() + " distinct, " + expected + " expected");
        }
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

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }

    /** The baseline: W notifications of the app's shape, PublishBatch of 10 from 2 threads. */
    private void publishRaw(BenchMarket market, String idPrefix, int winners) throws Exception {
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
                                .put("notificationId", idPrefix + i)
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
                                .messageAttributes(
                                        Map.of("notificationId", text(idPrefix + i), "type", text("PRESALE_CODE")))
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
