package bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import localstack.LocalStack;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import standins.RecordedRequest;

/**
 * The pipelines the fault suite drives: each sends its load (good messages with unique ids, and poison), and tells
 * how often each id landed where the work ends: the user service, Kafka, demand-table, the entry service.
 */
final class FaultPipelines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FaultPipelines() {}

    /** One pipeline under load: the APP_STACK its replicas run, and the queues whose dead-letter queues are read. */
    abstract static class Pipeline implements AutoCloseable {

        private final String stack;
        private final List<String> queues;

        Pipeline(String stack, List<String> queues) {
            this.stack = stack;
            this.queues = queues;
        }

        String stack() {
            return stack;
        }

        List<String> queues() {
            return queues;
        }

        /** Sends (or writes) the load: every good id once, and the poison messages (their bodies carry their id). */
        abstract void send(List<String> good, List<String> poison) throws Exception;

        /** How many times each good id has landed so far. */
        abstract Map<String, Integer> landed() throws Exception;

        /** Settings the replicas get on top of the local stack's. */
        Map<String, String> appConfig() {
            return Map.of();
        }

        /**
         * Blocks until the load reached the point where a fault means something: by default once this share of the good
         * ids landed (at most a minute).
         */
        void awaitFaultWindow(int good, double share) throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (landed().size() < good * share && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }

        /** Told once the fault is in place; a pipeline whose window comes before its load goes out sends from here on. */
        void faultInPlace() {}

        /** How long everything may take to land after the fault and the load; by default the suite's. */
        Duration drainDeadline(Duration suiteDefault) {
            return suiteDefault;
        }

        /** How often {@link #landed} is asked while draining (it may read a whole table). */
        Duration landedPollInterval() {
            return Duration.ofMillis(200);
        }

        @Override
        public void close() {}
    }

    /** upsertUsers: users on upsertUsersQueue → the user service; poison is malformed JSON. */
    static Pipeline users(LocalStack stack) {
        stack.standIns().user().reset();
        return new Pipeline("registration", List.of("upsertUsersQueue")) {
            @Override
            void send(List<String> good, List<String> poison) {
                List<String> bodies = new ArrayList<>();
                good.forEach(id ->
                        bodies.add("{\"globalUserId\":\"" + id + "\",\"firstName\":\"Fan\",\"countryCode\":\"US\"}"));
                poison.forEach(id -> bodies.add("{\"globalUserId\": \"" + id));
                sendAll(stack, "upsertUsersQueue", bodies);
            }

            @Override
            Map<String, Integer> landed() {
                Map<String, Integer> counts = new HashMap<>();
                for (RecordedRequest request : stack.standIns().user().requests()) {
                    if (request.status() == 200 && request.json() != null) {
                        request.json()
                                .get("users")
                                .findValuesAsText("globalUserId")
                                .forEach(id -> counts.merge(id, 1, Integer::sum));
                    }
                }
                return counts;
            }
        };
    }

    /** processData → SNS → sendData → Kafka: registration events; poison has an unknown type. */
    static Pipeline dataEvents(LocalStack stack) {
        KafkaCounter kafka = new KafkaCounter(stack.kafkaBootstrapServers(), "registration.data");
        return new Pipeline("dataPipeline", List.of("processDataQueue", "sendData-registration")) {
            @Override
            void send(List<String> good, List<String> poison) {
                List<String> bodies = new ArrayList<>();
                good.forEach(id ->
                        bodies.add("{\"type\":\"registration\",\"data\":{\"campaignId\":\"faults\",\"globalUserId\":\""
                                + id + "\",\"marketIds\":[\"market-1\"],\"registeredAt\":\"2024-01-15T10:30:00Z\"}}"));
                poison.forEach(id ->
                        bodies.add("{\"type\":\"no-such-type\",\"data\":{\"campaignId\":\"faults\",\"globalUserId\":\""
                                + id + "\"}}"));
                sendAll(stack, "processDataQueue", bodies);
            }

            @Override
            Map<String, Integer> landed() {
                return kafka.counts();
            }

            @Override
            public void close() {
                kafka.close();
            }
        };
    }

    /** retryScore: entries without a score, a retryScore message each → the score in demand-table; poison lacks a user. */
    static Pipeline scores(LocalStack stack) {
        String campaignId = "faults-" + UUID.randomUUID();
        return new Pipeline("replication", List.of("retryScoreQueue")) {
            @Override
            void send(List<String> good, List<String> poison) {
                for (String id : good) {
                    stack.dynamo().putItem(b -> b.tableName("demand-table").item(entry(campaignId, id, false)));
                }
                List<String> bodies = new ArrayList<>();
                good.forEach(
                        id -> bodies.add("{\"campaignId\":\"" + campaignId + "\",\"globalUserId\":\"" + id + "\"}"));
                poison.forEach(id -> bodies.add("{\"campaignId\":\"" + id + "\"}"));
                sendAll(stack, "retryScoreQueue", bodies);
            }

            @Override
            Map<String, Integer> landed() {
                Map<String, Integer> counts = new HashMap<>();
                campaignItems(stack, campaignId).forEach(item -> {
                    if (item.containsKey("score")) {
                        counts.put(item.get("sk").s().substring("USER#".length()), 1);
                    }
                });
                return counts;
            }
        };
    }

    /**
     * Replication: flagged entries written to demand-table → the stream → saveEntries → the entry service, the flag
     * cleared; poison is malformed JSON on saveEntriesQueue.
     */
    static Pipeline entries(LocalStack stack) {
        String campaignId = "faults-" + UUID.randomUUID();
        stack.standIns().entry().reset();
        return new Pipeline("replication", List.of("saveEntriesQueue")) {
            @Override
            void send(List<String> good, List<String> poison) {
                for (String id : good) {
                    stack.dynamo().putItem(b -> b.tableName("demand-table").item(entry(campaignId, id, true)));
                }
                sendAll(
                        stack,
                        "saveEntriesQueue",
                        poison.stream()
                                .map(id -> "{\"entry\": {\"globalUserId\": \"" + id)
                                .toList());
            }

            @Override
            Map<String, Integer> landed() {
                Map<String, Integer> puts = new HashMap<>();
                for (RecordedRequest request : stack.standIns().entry().requests()) {
                    if (request.status() == 200 && "PUT".equals(request.method()) && request.json() != null) {
                        request.json()
                                .path("entries")
                                .findValuesAsText("globalUserId")
                                .forEach(id -> puts.merge(id, 1, Integer::sum));
                    }
                }
                Map<String, JsonNode> replicated = stack.standIns().entry().entries(campaignId);
                Map<String, Integer> counts = new HashMap<>();
                campaignItems(stack, campaignId).forEach(item -> {
                    String id = item.get("sk").s().substring("USER#".length());
                    if (!item.containsKey("needsReplication") && replicated.containsKey(id)) {
                        counts.put(id, Math.max(1, puts.getOrDefault(id, 1)));
                    }
                });
                return counts;
            }
        };
    }

    /**
     * markAssignedCodes: one reserved code per message on markAssignedCodesQueue → the code service marks it assigned;
     * poison is a code nobody reserved, which the code service refuses (409), for a whole batch if it is in one.
     */
    static Pipeline codeMarks(LocalStack stack) {
        String campaignId = "faults-" + UUID.randomUUID();
        String marketId = "market-1";
        Map<String, String> idByCode = new ConcurrentHashMap<>();
        return new Pipeline("selection", List.of("markAssignedCodesQueue")) {
            @Override
            void send(List<String> good, List<String> poison) throws Exception {
                List<String> codes = reserveCodes(stack, campaignId, marketId, good.size());
                List<String> bodies = new ArrayList<>();
                for (int i = 0; i < good.size(); i++) {
                    idByCode.put(codes.get(i), good.get(i));
                    bodies.add("{\"campaignId\":\"" + campaignId + "\",\"marketId\":\"" + marketId + "\",\"codes\":[\""
                            + codes.get(i) + "\"]}");
                    if (i % 100 == 50 && i / 100 < poison.size()) {
                        String id = poison.get(i / 100);
                        bodies.add("{\"campaignId\":\"" + campaignId + "\",\"marketId\":\"" + marketId
                                + "\",\"codes\":[\"" + id + "\"]}");
                    }
                }
                sendAll(stack, "markAssignedCodesQueue", bodies);
            }

            @Override
            Map<String, Integer> landed() {
                Map<String, Integer> marks = new HashMap<>();
                for (RecordedRequest request : stack.standIns().code().requests()) {
                    if (request.status() == 200 && request.path().equals("/codes/assigned") && request.json() != null) {
                        request.json().path("codes").forEach(code -> marks.merge(code.asText(), 1, Integer::sum));
                    }
                }
                Map<String, Integer> counts = new HashMap<>();
                for (String code : stack.standIns().code().assignedCodes(campaignId, marketId)) {
                    String id = idByCode.get(code);
                    if (id != null) {
                        counts.put(id, Math.max(1, marks.getOrDefault(code, 1)));
                    }
                }
                return counts;
            }
        };
    }

    /**
     * notificationGenerator: the good ids are the winners of four markets (selected first by a separate
     * enqueueMarketSelections app, not timed), one notificationQueue message per market, each handed on to a
     * continuation message every 5 PublishBatch calls (each one asks the campaign service again) → one notification per
     * winner on a queue subscribed to {@code notifications}; poison is a market that was never selected.
     */
    static Pipeline notifications(LocalStack stack) {
        String campaignId = "faults-" + UUID.randomUUID();
        String senderQueue = "faults-sender-" + UUID.randomUUID();
        stack.subscribeTestQueue("notifications", senderQueue);
        String senderUrl =
                stack.sqs().getQueueUrl(b -> b.queueName(senderQueue)).queueUrl();
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        Thread reader = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            var messages = stack.sqs()
                                    .receiveMessage(b -> b.queueUrl(senderUrl)
                                            .maxNumberOfMessages(10)
                                            .waitTimeSeconds(1))
                                    .messages();
                            for (var message : messages) {
                                counts.merge(
                                        JSON.readTree(message.body())
                                                .path("globalUserId")
                                                .asText(),
                                        1,
                                        Integer::sum);
                                stack.sqs()
                                        .deleteMessage(
                                                b -> b.queueUrl(senderUrl).receiptHandle(message.receiptHandle()));
                            }
                        } catch (Exception e) {
                            if (Thread.currentThread().isInterrupted()) {
                                return;
                            }
                        }
                    }
                },
                "faults-notification-reader");
        reader.setDaemon(true);
        reader.start();
        // the selection before the load needs the campaign service: the outage starts after it, before the markets go
        // out
        CountDownLatch selected = new CountDownLatch(1);
        CountDownLatch faultInPlace = new CountDownLatch(1);
        return new Pipeline("notification", List.of("notificationQueue")) {
            @Override
            void awaitFaultWindow(int good, double share) throws InterruptedException {
                if (!selected.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the selection before the notifications did not finish");
                }
            }

            @Override
            void faultInPlace() {
                faultInPlace.countDown();
            }

            @Override
            Map<String, String> appConfig() {
                return Map.of("notification.batches-per-message", "5");
            }

            @Override
            void send(List<String> good, List<String> poison) throws Exception {
                int markets = 4;
                com.fasterxml.jackson.databind.node.ObjectNode campaign = standins.DemoData.campaign(
                                java.time.Instant.now())
                        .put("id", campaignId)
                        .put("slug", "slug-" + campaignId);
                var marketList = campaign.putArray("markets");
                List<String> targets = new ArrayList<>();
                for (int m = 0; m < markets; m++) {
                    String marketId = "market-" + m;
                    List<standins.ScoringRecord> winners = new ArrayList<>();
                    for (int i = m; i < good.size(); i += markets) {
                        winners.add(new standins.ScoringRecord(good.get(i), (double) i));
                    }
                    marketList
                            .addObject()
                            .put("id", marketId)
                            .put("name", "Arena " + m)
                            .put("capacity", winners.size());
                    stack.standIns().entry().seedScoringRecords(campaignId, marketId, winners);
                    stack.standIns().code().seedCodePool(campaignId, marketId, winners.size());
                    targets.add("{\"campaignId\":\"" + campaignId + "\",\"marketId\":\"" + marketId
                            + "\",\"dateId\":\"2024-03-01\"}");
                }
                stack.standIns().campaign().seedCampaign(campaign);
                java.nio.file.Path root = localstack.LocalPaths.projectRoot();
                try (AppProcess selector = AppProcess.start(
                        root,
                        root.resolve("target/quarkus-app/quarkus-run.jar"),
                        "enqueueMarketSelections",
                        stack.appConfig(),
                        root.resolve("target/bench/logs/faults-selection-app.log"))) {
                    selector.awaitReady(Duration.ofSeconds(120));
                    for (String target : targets) {
                        HttpResponse<String> selected = HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + selector.httpPort()
                                                        + "/selections/markets"))
                                                .header("content-type", "application/json")
                                                .header("x-api-key", "local")
                                                .POST(HttpRequest.BodyPublishers.ofString(target))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                        if (selected.statusCode() != 200) {
                            throw new IllegalStateException(
                                    "selection failed: " + selected.statusCode() + " " + selected.body());
                        }
                    }
                }
                List<String> bodies = new ArrayList<>(targets);
                poison.forEach(id -> bodies.add("{\"campaignId\":\"" + campaignId + "\",\"marketId\":\"" + id
                        + "\",\"dateId\":\"2024-03-01\"}"));
                selected.countDown();
                if (!faultInPlace.await(1, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the fault was not injected after the selection");
                }
                sendAll(stack, "notificationQueue", bodies);
            }

            @Override
            Map<String, Integer> landed() {
                return new HashMap<>(counts);
            }

            @Override
            public void close() {
                reader.interrupt();
            }
        };
    }

    /**
     * saveSelections: one winner per saveSelectionQueue message (a reserved code each) → the entry service's
     * assignment; poison has no selections.
     */
    static Pipeline selections(LocalStack stack) {
        String campaignId = "faults-" + UUID.randomUUID();
        String marketId = "market-1";
        return new Pipeline("selection", List.of("saveSelectionQueue")) {
            @Override
            void send(List<String> good, List<String> poison) throws Exception {
                List<String> codes = reserveCodes(stack, campaignId, marketId, good.size());
                List<String> bodies = new ArrayList<>();
                for (int i = 0; i < good.size(); i++) {
                    bodies.add("{\"campaignId\":\"" + campaignId + "\",\"marketId\":\"" + marketId
                            + "\",\"dateId\":\"2024-03-01\"," + "\"selections\":[{\"globalUserId\":\"" + good.get(i)
                            + "\",\"code\":\"" + codes.get(i) + "\",\"rank\":" + (i + 1) + "}]}");
                }
                poison.forEach(id -> bodies.add("{\"campaignId\":\"" + id + "\",\"marketId\":\"" + marketId + "\"}"));
                sendAll(stack, "saveSelectionQueue", bodies);
            }

            @Override
            Map<String, Integer> landed() {
                Map<String, Integer> counts = new HashMap<>();
                stack.standIns()
                        .entry()
                        .assignments(campaignId, marketId)
                        .keySet()
                        .forEach(id -> counts.put(id, 1));
                return counts;
            }
        };
    }

    /** Seeds a code pool and reserves {@code count} codes of it, as enqueueMarketSelections would. */
    private static List<String> reserveCodes(LocalStack stack, String campaignId, String marketId, int count)
            throws Exception {
        stack.standIns().code().seedCodePool(campaignId, marketId, count);
        HttpResponse<String> reserved = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.standIns().baseUrl("code") + "/campaigns/" + campaignId
                                        + "/markets/" + marketId + "/reservations"))
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"count\":" + count + ",\"reservationId\":\"" + campaignId + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        List<String> codes = new ArrayList<>();
        JSON.readTree(reserved.body()).path("codes").forEach(code -> codes.add(code.asText()));
        if (codes.size() != count) {
            throw new IllegalStateException(
                    "reserved " + codes.size() + " codes for " + count + " messages: " + reserved.body());
        }
        return codes;
    }

    /**
     * Replication with score updates racing registrations: every good id is registered (flagged, unscored) and, while
     * the first versions replicate, scored (a second flagged write, as retryScore does). An id has landed when the
     * entry service holds demand-table's current version of it (same updatedAt and score) and it is no longer
     * flagged; poison is malformed JSON on saveEntriesQueue.
     */
    static Pipeline entryRaces(LocalStack stack) {
        String campaignId = "faults-race-" + UUID.randomUUID();
        stack.standIns().entry().reset();
        return new Pipeline("replication", List.of("saveEntriesQueue")) {
            @Override
            void send(List<String> good, List<String> poison) throws Exception {
                java.util.concurrent.atomic.AtomicInteger registered = new java.util.concurrent.atomic.AtomicInteger();
                Thread scorer = new Thread(
                        () -> {
                            for (int i = 0; i < good.size(); i++) {
                                while (registered.get() <= Math.min(good.size() - 1, i + 500)) {
                                    try {
                                        Thread.sleep(5);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                        return;
                                    }
                                }
                                String id = good.get(i);
                                stack.dynamo()
                                        .updateItem(b -> b.tableName("demand-table")
                                                .key(Map.of(
                                                        "pk",
                                                        AttributeValue.fromS("CAMPAIGN#" + campaignId),
                                                        "sk",
                                                        AttributeValue.fromS("USER#" + id)))
                                                .updateExpression(
                                                        "SET score = :score, updatedAt = :at, needsReplication = :true")
                                                .expressionAttributeValues(Map.of(
                                                        ":score",
                                                        AttributeValue.fromN(Integer.toString(
                                                                100 + Math.floorMod(id.hashCode(), 900))),
                                                        ":at",
                                                        AttributeValue.fromS("2024-01-15T11:00:00Z"),
                                                        ":true",
                                                        AttributeValue.fromBool(true))));
                            }
                        },
                        "faults-scorer");
                scorer.start();
                for (String id : good) {
                    Map<String, AttributeValue> item = entry(campaignId, id, true);
                    item.remove("score");
                    stack.dynamo().putItem(b -> b.tableName("demand-table").item(item));
                    registered.incrementAndGet();
                }
                registered.set(Integer.MAX_VALUE);
                scorer.join();
                sendAll(
                        stack,
                        "saveEntriesQueue",
                        poison.stream()
                                .map(id -> "{\"entry\": {\"globalUserId\": \"" + id)
                                .toList());
            }

            // 20 000 entries, each written twice and, where replicas raced, flagged again once: ~60 000 replications
            // on DynamoDB Local, whose stream slows as it fills
            @Override
            Duration drainDeadline(Duration suiteDefault) {
                return Duration.ofMinutes(12);
            }

            @Override
            Duration landedPollInterval() {
                return Duration.ofSeconds(10);
            }

            @Override
            Map<String, Integer> landed() {
                Map<String, JsonNode> replicated = stack.standIns().entry().entries(campaignId);
                Map<String, Integer> equal = new HashMap<>();
                campaignItems(stack, campaignId).forEach(item -> {
                    String id = item.get("sk").s().substring("USER#".length());
                    JsonNode copy = replicated.get(id);
                    if (copy != null
                            && !item.containsKey("needsReplication")
                            && item.get("updatedAt")
                                    .s()
                                    .equals(copy.path("updatedAt").asText())
                            && item.containsKey("score")
                            && item.get("score").n().equals(copy.path("score").asText())) {
                        equal.put(id, 1);
                    }
                });
                return equal;
            }
        };
    }

    private static Map<String, AttributeValue> entry(String campaignId, String user, boolean needsReplication) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS("CAMPAIGN#" + campaignId));
        item.put("sk", AttributeValue.fromS("USER#" + user));
        item.put("campaignId", AttributeValue.fromS(campaignId));
        item.put("globalUserId", AttributeValue.fromS(user));
        item.put("fields", AttributeValue.fromS("{\"markets\":[\"market-1\"]}"));
        item.put("createdAt", AttributeValue.fromS("2024-01-15T10:30:00Z"));
        item.put("updatedAt", AttributeValue.fromS("2024-01-15T10:30:00Z"));
        if (needsReplication) {
            item.put("needsReplication", AttributeValue.fromBool(true));
            item.put("score", AttributeValue.fromN("5"));
        }
        return item;
    }

    private static List<Map<String, AttributeValue>> campaignItems(LocalStack stack, String campaignId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        stack.dynamo()
                .queryPaginator(b -> b.tableName("demand-table")
                        .keyConditionExpression("pk = :pk")
                        .consistentRead(true)
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CAMPAIGN#" + campaignId))))
                .items()
                .forEach(items::add);
        return items;
    }

    static void sendAll(LocalStack stack, String queue, List<String> bodies) {
        String url = stack.sqs().getQueueUrl(b -> b.queueName(queue)).queueUrl();
        for (int from = 0; from < bodies.size(); from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(bodies.size(), from + 10); i++) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i - from))
                        .messageBody(bodies.get(i))
                        .build());
            }
            sendBatch(stack, url, entries);
        }
    }

    /** Sends one batch, again and again while the endpoint fails (a frozen SQS endpoint must not stop the load). */
    private static void sendBatch(LocalStack stack, String url, List<SendMessageBatchRequestEntry> entries) {
        for (int attempt = 1; ; attempt++) {
            try {
                var response = stack.sqs().sendMessageBatch(b -> b.queueUrl(url).entries(entries));
                if (!response.failed().isEmpty()) {
                    throw new IllegalStateException("the queue refused load: " + response.failed());
                }
                return;
            } catch (SdkException e) {
                if (attempt >= 300) {
                    throw e;
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Reads a topic from its end at creation on, counting records by {@code data.globalUserId}. */
    static final class KafkaCounter implements AutoCloseable {
        private final Map<String, Integer> counts = new ConcurrentHashMap<>();
        private final Thread reader;
        private volatile boolean running = true;

        KafkaCounter(String bootstrap, String topic) {
            Properties config = new Properties();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config);
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            reader = new Thread(
                    () -> {
                        try (consumer) {
                            while (running) {
                                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                                    try {
                                        counts.merge(
                                                JSON.readTree(record.value())
                                                        .path("data")
                                                        .path("globalUserId")
                                                        .asText(),
                                                1,
                                                Integer::sum);
                                    } catch (Exception unreadable) {
                                        counts.merge("(unreadable)", 1, Integer::sum);
                                    }
                                }
                            }
                        } catch (RuntimeException e) {
                            if (running) {
                                System.err.println("[faults] Kafka counter stopped: " + e);
                            }
                        }
                    },
                    "faults-kafka-counter");
            reader.setDaemon(true);
            reader.start();
        }

        Map<String, Integer> counts() {
            return new HashMap<>(counts);
        }

        @Override
        public void close() {
            running = false;
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
