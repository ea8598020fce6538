package bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The replication benchmark's second baseline: a hand-written loop doing the work SPEC asks of enqueueEntries and
 * saveEntries for every entry, on the AWS SDK and the JDK's HTTP client, with the app's batch sizes and parallelism
 * but nothing else of it (no Camel, no lease, no fencing, no dead letters, no retries beyond the SDK's, no logs, no
 * metrics):
 * <ul>
 *   <li>a reader thread: GetRecords pages of up to 1 000 from every open shard of the table's stream (from LATEST at
 *       {@link #start}; a poll interval of 1 s once a page came back less than full); INSERT/MODIFY records whose new
 *       image has {@code needsReplication = true} go to the queue as their keys in SendMessageBatch calls of 10, each
 *       followed by a checkpoint PutItem into the lease table (the app writes a fenced transaction instead);</li>
 *   <li>2 receiver threads: ReceiveMessage of 10 (wait 1 s), at most 400 messages received and not yet deleted;
 *       messages batched per campaign, 25 at most, a batch leaving when full or 500 ms after its first message;</li>
 *   <li>4 batch threads: one consistent BatchGetItem for the batch's keys, the still flagged items as one
 *       {@code PUT /campaigns/{c}/entries}, their replicated marks (UpdateItem removing needsReplication and setting
 *       replicatedAt, on the condition that updatedAt is the one read) on a pool of 16 threads, then
 *       DeleteMessageBatch of the batch's messages.</li>
 * </ul>
 */
final class ReplicationLoop implements AutoCloseable {

    private static final int PAGE = 1000;
    private static final int SQS_BATCH = 10;
    private static final int BATCH = 25;
    private static final int BATCHES_IN_FLIGHT = 4;
    private static final int MARKS_IN_FLIGHT = 16;
    private static final int MAX_UNSETTLED = 400;
    private static final long BATCH_WAIT_MS = 500;
    private static final long POLL_INTERVAL_MS = 1000;
    private static final String LEASE_TABLE = "reg-workers-leases";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final SqsClient sqs;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String entryServiceUrl;
    private final String table;
    private final String queueUrl;
    private final Semaphore unsettled = new Semaphore(MAX_UNSETTLED);
    private final Map<String, PendingBatch> filling = new HashMap<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(3, r -> new Thread(r, "loop-reader-receiver"));
    private final ExecutorService batches =
            Executors.newFixedThreadPool(BATCHES_IN_FLIGHT, r -> new Thread(r, "loop-batch"));
    private final ExecutorService marks =
            Executors.newFixedThreadPool(MARKS_IN_FLIGHT, r -> new Thread(r, "loop-mark"));
    private final ScheduledExecutorService flusher =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "loop-flusher"));
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running;

    private static final class PendingBatch {
        final List<Message> messages = new ArrayList<>();
        final long startedNanos = System.nanoTime();
    }

    ReplicationLoop(
            DynamoDbClient dynamo,
            DynamoDbStreamsClient streams,
            SqsClient sqs,
            String entryServiceUrl,
            String table,
            String queueUrl) {
        this.dynamo = dynamo;
        this.streams = streams;
        this.sqs = sqs;
        this.entryServiceUrl = entryServiceUrl;
        this.table = table;
        this.queueUrl = queueUrl;
    }

    /** Takes LATEST iterators of the open shards now (what is written after this returns is read), then runs. */
    void start() {
        String streamArn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        Map<String, String> iterators = new LinkedHashMap<>();
        for (Shard shard : streams.describeStream(b -> b.streamArn(streamArn))
                .streamDescription()
                .shards()) {
            if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
                iterators.put(
                        shard.shardId(),
                        streams.getShardIterator(b -> b.streamArn(streamArn)
                                        .shardId(shard.shardId())
                                        .shardIteratorType(ShardIteratorType.LATEST))
                                .shardIterator());
            }
        }
        running = true;
        threads.submit(() -> read(iterators));
        threads.submit(this::receive);
        threads.submit(this::receive);
        flusher.scheduleWithFixedDelay(this::flushOld, 50, 50, TimeUnit.MILLISECONDS);
    }

    /** Batches whose work failed (their messages come back after the visibility timeout). */
    long failures() {
        return failures.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (ExecutorService pool : List.of(threads, flusher, batches, marks)) {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private Void read(Map<String, String> iterators) throws InterruptedException {
        while (running) {
            boolean caughtUp = true;
            for (Map.Entry<String, String> shard : iterators.entrySet()) {
                String iterator = shard.getValue();
                if (iterator == null) {
                    continue;
                }
                GetRecordsResponse page =
                        streams.getRecords(b -> b.shardIterator(iterator).limit(PAGE));
                forward(shard.getKey(), page.records());
                shard.setValue(page.nextShardIterator());
                caughtUp &= page.records().size() < PAGE;
            }
            if (caughtUp) {
                Thread.sleep(POLL_INTERVAL_MS);
            }
        }
        return null;
    }

    private void forward(String shardId, List<Record> records) {
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>(SQS_BATCH);
        for (Record record : records) {
            Map<String, AttributeValue> image = record.dynamodb().newImage();
            if (record.eventNameAsString().equals("REMOVE")
                    || image == null
                    || !Boolean.TRUE.equals(image.getOrDefault("needsReplication", AttributeValue.fromBool(false))
                            .bool())) {
                continue;
            }
            String body = JSON.createObjectNode()
                    .put("campaignId", image.get("campaignId").s())
                    .put("globalUserId", image.get("globalUserId").s())
                    .toString();
            batch.add(SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(batch.size()))
                    .messageBody(body)
                    .build());
            if (batch.size() == SQS_BATCH) {
                send(shardId, batch, record.dynamodb().sequenceNumber());
                batch = new ArrayList<>(SQS_BATCH);
            }
        }
        if (!batch.isEmpty()) {
            send(shardId, batch, records.get(records.size() - 1).dynamodb().sequenceNumber());
        }
    }

    private void send(String shardId, List<SendMessageBatchRequestEntry> batch, String sequenceNumber) {
        var sent = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch));
        if (sent.hasFailed() && !sent.failed().isEmpty()) {
            throw new IllegalStateException("SQS refused " + sent.failed().size() + " messages: " + sent.failed());
        }
        dynamo.putItem(b -> b.tableName(LEASE_TABLE)
                .item(Map.of(
                        "pk", AttributeValue.fromS("bench-replication-loop#" + table + "#" + shardId),
                        "sequenceNumber", AttributeValue.fromS(sequenceNumber))));
    }

    private Void receive() throws InterruptedException {
        while (running) {
            unsettled.acquire(SQS_BATCH);
            List<Message> received = sqs.receiveMessage(b ->
                            b.queueUrl(queueUrl).maxNumberOfMessages(SQS_BATCH).waitTimeSeconds(1))
                    .messages();
            unsettled.release(SQS_BATCH - received.size());
            for (Message message : received) {
                add(message);
            }
        }
        return null;
    }

    private void add(Message message) {
        String campaignId;
        try {
            campaignId = JSON.readTree(message.body()).path("campaignId").asText();
        } catch (Exception unreadable) {
            throw new IllegalStateException("unreadable message " + message.messageId(), unreadable);
        }
        List<Message> full = null;
        synchronized (filling) {
            PendingBatch batch = filling.computeIfAbsent(campaignId, c -> new PendingBatch());
            batch.messages.add(message);
            if (batch.messages.size() == BATCH) {
                full = filling.remove(campaignId).messages;
            }
        }
        if (full != null) {
            submit(campaignId, full);
        }
    }

    private void flushOld() {
        Map<String, List<Message>> due = new HashMap<>();
        synchronized (filling) {
            long now = System.nanoTime();
            filling.entrySet().removeIf(entry -> {
                if (now - entry.getValue().startedNanos < TimeUnit.MILLISECONDS.toNanos(BATCH_WAIT_MS)) {
                    return false;
                }
                due.put(entry.getKey(), entry.getValue().messages);
                return true;
            });
        }
        due.forEach(this::submit);
    }

    private void submit(String campaignId, List<Message> messages) {
        batches.submit(() -> {
            try {
                replicate(campaignId, messages);
                delete(messages);
            } catch (RuntimeException failed) {
                failures.incrementAndGet();
            } finally {
                unsettled.release(messages.size());
            }
        });
    }

    private void replicate(String campaignId, List<Message> messages) {
        Map<String, Map<String, AttributeValue>> keys = new LinkedHashMap<>();
        for (Message message : messages) {
            String user = read(message.body()).path("globalUserId").asText();
            keys.put(
                    user,
                    Map.of(
                            "pk",
                            AttributeValue.fromS("CAMPAIGN#" + campaignId),
                            "sk",
                            AttributeValue.fromS("USER#" + user)));
        }
        List<Map<String, AttributeValue>> items = dynamo
                .batchGetItem(b -> b.requestItems(Map.of(
                        table,
                        KeysAndAttributes.builder()
                                .keys(keys.values())
                                .consistentRead(true)
                                .build())))
                .responses()
                .getOrDefault(table, List.of())
                .stream()
                .filter(item ->
                        Boolean.TRUE.equals(item.getOrDefault("needsReplication", AttributeValue.fromBool(false))
                                .bool()))
                .toList();
        if (items.isEmpty()) {
            return;
        }
        ObjectNode request = JSON.createObjectNode();
        ArrayNode entries = request.putArray("entries");
        items.forEach(item -> entries.add(entry(item)));
        HttpResponse<String> answer;
        try {
            answer = http.send(
                    HttpRequest.newBuilder(URI.create(entryServiceUrl + "/campaigns/" + campaignId + "/entries"))
                            .header("content-type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(request.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("entry service call failed", e);
        }
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("entry service answered " + answer.statusCode());
        }
        String now = Instant.now().toString();
        List<CompletableFuture<Void>> marked = new ArrayList<>(items.size());
        for (Map<String, AttributeValue> item : items) {
            marked.add(CompletableFuture.runAsync(() -> mark(item, now), marks));
        }
        marked.forEach(CompletableFuture::join);
    }

    private void mark(Map<String, AttributeValue> item, String now) {
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))
                    .updateExpression("REMOVE needsReplication SET replicatedAt = :now")
                    .conditionExpression("updatedAt = :read")
                    .expressionAttributeValues(
                            Map.of(":now", AttributeValue.fromS(now), ":read", item.get("updatedAt"))));
        } catch (ConditionalCheckFailedException newer) {
            // written since it was read: its own record replicates it again
        }
    }

    private void delete(List<Message> messages) {
        for (int from = 0; from < messages.size(); from += SQS_BATCH) {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(messages.size(), from + SQS_BATCH); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(messages.get(i).receiptHandle())
                        .build());
            }
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        }
    }

    private static ObjectNode entry(Map<String, AttributeValue> item) {
        ObjectNode entry = JSON.createObjectNode()
                .put("globalUserId", item.get("globalUserId").s())
                .put("campaignId", item.get("campaignId").s());
        ObjectNode fields = (ObjectNode) read(item.get("fields").s());
        entry.set("fields", fields);
        entry.put("score", new java.math.BigDecimal(item.get("score").n()));
        if (fields.path("markets").isArray()) {
            entry.set("markets", fields.get("markets"));
        }
        entry.put("createdAt", item.get("createdAt").s());
        entry.put("updatedAt", item.get("updatedAt").s());
        return entry;
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }
}
