package localstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import standins.DemoData;
import standins.StandIns;

/**
 * The whole local stack on real servers, without Docker: fauxqs (SQS+SNS), DynamoDB Local with streams,
 * Kafka in KRaft mode, Redis, and the downstream service stand-ins; infra/infrastructure.yaml applied to them.
 * Tests start it once per run on free ports; {@link #main} runs it on the documented fixed ports with the app.
 */
public final class LocalStack implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";

    /** Fixed ports of the local run; 0 means a free port (tests). */
    public record Ports(int aws, int dynamodb, int kafka, int redis, int firstStandIn) {
        public static final Ports LOCAL_RUN = new Ports(4566, 8000, 9092, 6379, 8101);
        public static final Ports FREE = new Ports(0, 0, 0, 0, 0);
    }

    private static LocalStack shared;
    /** Held so the level set by {@link #main} stays (loggers are weakly referenced). */
    private static final java.util.logging.Logger ROOT_LOGGER = java.util.logging.Logger.getLogger("");

    private final FauxqsServer fauxqs;
    private final DynamoDbLocalServer dynamodb;
    private final KafkaServer kafka;
    private final RedisServer redis;
    private final StandIns standIns;
    private final Infrastructure infrastructure = Infrastructure.load();
    private final List<AutoCloseable> clients = new ArrayList<>();

    private LocalStack(Ports ports) {
        // the local run's endpoint serves people's shells too (Debian's AWS CLI speaks SQS' query protocol)
        fauxqs = new FauxqsServer(ports.aws(), ports.equals(Ports.LOCAL_RUN));
        dynamodb = new DynamoDbLocalServer(ports.dynamodb());
        kafka = new KafkaServer(ports.kafka());
        redis = new RedisServer(ports.redis());
        CompletableFuture.allOf(
                        CompletableFuture.runAsync(fauxqs::start),
                        CompletableFuture.runAsync(dynamodb::start),
                        CompletableFuture.runAsync(kafka::start),
                        CompletableFuture.runAsync(redis::start))
                .join();
        standIns = StandIns.start(ports.firstStandIn());
        infrastructure.applyQueuesAndTopics(sqs(), sns());
        infrastructure.applyTables(dynamo());
        infrastructure.applyKafkaTopics(kafka.bootstrapServers());
    }

    public static LocalStack start(Ports ports) {
        return new LocalStack(ports);
    }

    /** The stack shared by every test of this JVM: started on first use, stopped when the JVM exits. */
    public static synchronized LocalStack shared() {
        if (shared == null) {
            shared = start(Ports.FREE);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "local-stack-stop"));
        }
        return shared;
    }

    /** The application properties that point reg-workers at this stack. */
    public Map<String, String> appConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("aws.region", REGION);
        config.put("aws.access-key-id", ACCESS_KEY);
        config.put("aws.secret-access-key", SECRET_KEY);
        config.put("aws.sqs.endpoint", fauxqs.endpoint());
        config.put("aws.sns.endpoint", fauxqs.endpoint());
        config.put("aws.dynamodb.endpoint", dynamodb.endpoint());
        config.put("kafka.brokers", kafka.bootstrapServers());
        config.put("redis.url", redis.url());
        for (String service : List.of("campaign", "entry", "code", "user", "scoring")) {
            config.put("services." + service + ".url", standIns.baseUrl(service));
        }
        return config;
    }

    /** A queue that only tests use, created like every queue of the description (with its DLQ). */
    public void createTestQueue(String name) {
        infrastructure.applyQueue(sqs(), name);
    }

    /** A test queue subscribed to {@code topic} with raw delivery: what a downstream consumer of the topic receives. */
    public void subscribeTestQueue(String topic, String queue) {
        createTestQueue(queue);
        String topicArn = sns().createTopic(b -> b.name(topic)).topicArn();
        String queueArn = sqs().getQueueAttributes(b -> b.queueUrl(
                                sqs().getQueueUrl(q -> q.queueName(queue)).queueUrl())
                        .attributeNamesWithStrings("QueueArn"))
                .attributesAsStrings()
                .get("QueueArn");
        sns().subscribe(b -> b.topicArn(topicArn)
                .protocol("sqs")
                .endpoint(queueArn)
                .attributes(java.util.Map.of("RawMessageDelivery", "true")));
    }

    public Infrastructure infrastructure() {
        return infrastructure;
    }

    public StandIns standIns() {
        return standIns;
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String awsEndpoint() {
        return fauxqs.endpoint();
    }

    /** Stops the Kafka broker (its data stays), to drive an outage. */
    public void stopKafka() {
        kafka.stop();
    }

    public void startKafka() {
        kafka.start();
    }

    /** The local servers a fault can freeze (SIGSTOP) and thaw. */
    public enum Server {
        SQS_SNS,
        DYNAMODB,
        KAFKA,
        REDIS
    }

    /** Freezes a server as a hung host would be: its port stays open, nothing answers. */
    public void freeze(Server server) {
        serverOf(server).freeze();
    }

    public void thaw(Server server) {
        serverOf(server).thaw();
    }

    private LocalServer serverOf(Server server) {
        return switch (server) {
            case SQS_SNS -> fauxqs;
            case DYNAMODB -> dynamodb;
            case KAFKA -> kafka;
            case REDIS -> redis;
        };
    }

    /** One client per kind for the stack's life (each call used to build one: a long run ran out of sockets). */
    public synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = remember(SqsClient.builder()
                    .region(Region.of(REGION))
                    .credentialsProvider(credentials())
                    .endpointOverride(URI.create(fauxqs.endpoint()))
                    .build());
        }
        return sqs;
    }

    public synchronized SnsClient sns() {
        if (sns == null) {
            sns = remember(SnsClient.builder()
                    .region(Region.of(REGION))
                    .credentialsProvider(credentials())
                    .endpointOverride(URI.create(fauxqs.endpoint()))
                    .build());
        }
        return sns;
    }

    public synchronized DynamoDbClient dynamo() {
        if (dynamo == null) {
            dynamo = remember(DynamoDbClient.builder()
                    .region(Region.of(REGION))
                    .credentialsProvider(credentials())
                    .endpointOverride(URI.create(dynamodb.endpoint()))
                    .build());
        }
        return dynamo;
    }

    /** The streams of DynamoDB Local's tables (served on its DynamoDB endpoint). */
    public synchronized DynamoDbStreamsClient dynamoStreams() {
        if (dynamoStreams == null) {
            dynamoStreams = remember(DynamoDbStreamsClient.builder()
                    .region(Region.of(REGION))
                    .credentialsProvider(credentials())
                    .endpointOverride(URI.create(dynamodb.endpoint()))
                    .build());
        }
        return dynamoStreams;
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    private SqsClient sqs;
    private SnsClient sns;
    private DynamoDbClient dynamo;
    private DynamoDbStreamsClient dynamoStreams;

    private <T extends AutoCloseable> T remember(T client) {
        clients.add(client);
        return client;
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception ignored) {
                // closing best effort
            }
        }
        clients.clear();
        sqs = null;
        sns = null;
        dynamo = null;
        dynamoStreams = null;
        standIns.close();
        CompletableFuture.allOf(
                        CompletableFuture.runAsync(fauxqs::close),
                        CompletableFuture.runAsync(dynamodb::close),
                        CompletableFuture.runAsync(kafka::close),
                        CompletableFuture.runAsync(redis::close))
                .join();
    }

    /**
     * The local run: the stack on its fixed ports, the demo data seeded, then the packaged app (args[0]) started
     * with CONFIG_ENV=local against it. Ctrl-C stops everything.
     */
    public static void main(String[] args) {
        // this JVM has no logging configuration: without this every logger is at DEBUG (the AWS SDK's wire log)
        ROOT_LOGGER.setLevel(java.util.logging.Level.INFO);
        try {
            runLocally(args);
        } catch (Exception | Error e) {
            System.err.println("local run failed: " + e);
            System.exit(1);
        }
    }

    /** The queue subscribed to the notifications topic in the local run, as the downstream sender's would be. */
    public static final String DEMO_NOTIFICATIONS_QUEUE = "demo-notifications";

    /**
     * The selection example's entrants, registered in demand-table as the registration service would; waits until the
     * running app has replicated them all to the entry service (the stream, enqueueEntries, saveEntries), so the
     * README's selection example ranks all of them and writes their verdicts.
     */
    private static void registerSelectionEntrants(LocalStack stack) throws InterruptedException {
        List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> writes = new ArrayList<>();
        for (int i = 0; i < DemoData.SELECTION_ENTRANTS; i++) {
            int index = i;
            writes.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                    .putRequest(p -> p.item(DemoData.selectionEntrant(index)))
                    .build());
            if (writes.size() == 25 || i == DemoData.SELECTION_ENTRANTS - 1) {
                var batch = Map.of("demand-table", List.copyOf(writes));
                var unprocessed = stack.dynamo()
                        .batchWriteItem(b -> b.requestItems(batch))
                        .unprocessedItems();
                while (unprocessed != null && !unprocessed.isEmpty()) {
                    var retry = unprocessed;
                    unprocessed = stack.dynamo()
                            .batchWriteItem(b -> b.requestItems(retry))
                            .unprocessedItems();
                }
                writes.clear();
            }
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
        while (stack.standIns().entry().entries(DemoData.SELECTION_CAMPAIGN_ID).size() < DemoData.SELECTION_ENTRANTS
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        System.out.printf(
                "demo: %d entrants of %s registered in demand-table, %d replicated to the entry service%n",
                DemoData.SELECTION_ENTRANTS,
                DemoData.SELECTION_CAMPAIGN_ID,
                stack.standIns().entry().entries(DemoData.SELECTION_CAMPAIGN_ID).size());
    }

    private static void runLocally(String[] args) throws Exception {
        Path appJar = Path.of(args.length > 0 ? args[0] : "target/quarkus-app/quarkus-run.jar");
        long started = System.nanoTime();
        LocalStack stack = start(Ports.LOCAL_RUN);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-stop"));
        DemoData.seedLocalRun(stack.standIns());
        // what the downstream notification sender would receive (README "Notification")
        stack.subscribeTestQueue("notifications", DEMO_NOTIFICATIONS_QUEUE);

        List<String> command =
                new ArrayList<>(List.of(LocalPaths.javaExecutable().toString(), "-Xmx512m", "-Dquarkus.profile=local"));
        stack.appConfig().forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(appJar.toAbsolutePath().toString());
        ProcessBuilder app = new ProcessBuilder(command).inheritIO();
        app.environment().put("CONFIG_ENV", "local");
        Process appProcess = app.start();
        Runtime.getRuntime().addShutdownHook(new Thread(appProcess::destroy, "app-stop"));
        awaitHealthy("http://127.0.0.1:8080/q/health/ready", appProcess);
        registerSelectionEntrants(stack);

        System.out.printf(
                """

                ==== reg-workers is running locally (up in %.1f s) ====
                REST / invoke        http://127.0.0.1:8080/workers/{name}/invoke
                health               http://127.0.0.1:8080/q/health  (live: /q/health/live, ready: /q/health/ready)
                metrics              http://127.0.0.1:8080/q/metrics
                Jolokia (JMX)        http://127.0.0.1:8778/jolokia/   (Hawtio: bin/hawtio)
                SQS + SNS endpoint   %s   (aws --endpoint-url %s sqs list-queues; region %s, keys local/local)
                DynamoDB Local       %s
                Kafka bootstrap      %s   (kcat -b %s -t registration.data -C)
                Redis                %s
                stand-ins            %s
                logs of the servers  target/local-stack/logs/
                Ctrl-C stops everything.
                """,
                (System.nanoTime() - started) / 1e9,
                stack.awsEndpoint(),
                stack.awsEndpoint(),
                REGION,
                stack.dynamodb.endpoint(),
                stack.kafkaBootstrapServers(),
                stack.kafkaBootstrapServers(),
                stack.redis.url(),
                stack.standInUrls());
        System.exit(appProcess.waitFor());
    }

    private String standInUrls() {
        StringBuilder urls = new StringBuilder();
        for (String service : List.of("campaign", "entry", "code", "user", "scoring")) {
            urls.append(service).append('=').append(standIns.baseUrl(service)).append(' ');
        }
        return urls.toString().trim();
    }

    private static void awaitHealthy(String url, Process app) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 600; i++) {
            if (!app.isAlive()) {
                throw new IllegalStateException("the app exited with " + app.exitValue());
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the app did not become ready");
    }
}
