package bench;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes entry items into demand-table (or a table of its shape) as fast as DynamoDB Local takes them: BatchWriteItem of 25 items (the API's
 * maximum) from a few threads, thread t writing the batches t, t+threads, ... Unprocessed items are written again
 * (DynamoDB Local does not throttle, so there should be none; they are counted). The items have the shape of the
 * registration flow's entries (support.DemandTableEntries): pk CAMPAIGN#c, sk USER#u, globalUserId, campaignId,
 * fields (a JSON string), score 850, verdicts, createdAt = updatedAt = the moment the item's batch is built, and
 * needsReplication true or false (a BOOL either way, so both kinds have the same size).
 */
final class EntryWriter {

    static final int BATCH = 25;
    static final String TABLE = "demand-table";
    static final String FIELDS = "{\"markets\":[\"market-123\"],\"ticket_count\":2}";
    static final int SCORE = 850;

    /** What one write of N items took: wall clock of the first request sent and of the last answer (epoch ms). */
    record Written(
            int items,
            long firstSendEpochMs,
            long lastAckEpochMs,
            long startNanos,
            long endNanos,
            long requests,
            long unprocessedRetried,
            double writerCpuSeconds) {

        double seconds() {
            return Stats.seconds(endNanos - startNanos);
        }

        double itemsPerSec() {
            return items / seconds();
        }
    }

    private final DynamoDbClient dynamo;
    private final int threads;
    private final String table;

    EntryWriter(DynamoDbClient dynamo, int threads) {
        this(dynamo, threads, TABLE);
    }

    EntryWriter(DynamoDbClient dynamo, int threads, String table) {
        this.dynamo = dynamo;
        this.threads = threads;
        this.table = table;
    }

    String table() {
        return table;
    }

    int threads() {
        return threads;
    }

    static String userId(String campaign, int n) {
        return campaign + "-u" + n;
    }

    /** Writes the entries {@code userId(campaign, 0..count-1)} of {@code campaign}; returns when all are written. */
    Written write(String campaign, int count, boolean needsReplication) throws Exception {
        int batches = (count + BATCH - 1) / BATCH;
        AtomicLong requests = new AtomicLong();
        AtomicLong retried = new AtomicLong();
        AtomicLong lastAck = new AtomicLong();
        AtomicLong cpuNanos = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "bench-writer"));
        try {
            long startNanos = System.nanoTime();
            long firstSend = System.currentTimeMillis();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int b = first; b < batches; b += threads) {
                        String now = Instant.now().toString();
                        List<WriteRequest> writes = new ArrayList<>(BATCH);
                        for (int i = b * BATCH; i < Math.min(count, (b + 1) * BATCH); i++) {
                            writes.add(WriteRequest.builder()
                                    .putRequest(PutRequest.builder()
                                            .item(item(campaign, userId(campaign, i), needsReplication, now))
                                            .build())
                                    .build());
                        }
                        Map<String, List<WriteRequest>> pending = Map.of(table, writes);
                        while (!pending.isEmpty()) {
                            Map<String, List<WriteRequest>> request = pending;
                            BatchWriteItemResponse response = dynamo.batchWriteItem(r -> r.requestItems(request));
                            requests.incrementAndGet();
                            pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                            pending.values().forEach(unprocessed -> retried.addAndGet(unprocessed.size()));
                        }
                    }
                    lastAck.accumulateAndGet(System.currentTimeMillis(), Math::max);
                    // a fresh pool per write: the thread's CPU is this write's (the thread ends before a later snapshot
                    // could see it)
                    cpuNanos.addAndGet(
                            Math.max(0, ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()));
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            long endNanos = System.nanoTime();
            return new Written(
                    count,
                    firstSend,
                    lastAck.get(),
                    startNanos,
                    endNanos,
                    requests.get(),
                    retried.get(),
                    cpuNanos.get() / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    static Map<String, AttributeValue> item(String campaign, String user, boolean needsReplication, String now) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", AttributeValue.fromS("CAMPAIGN#" + campaign));
        item.put("sk", AttributeValue.fromS("USER#" + user));
        item.put("globalUserId", AttributeValue.fromS(user));
        item.put("campaignId", AttributeValue.fromS(campaign));
        item.put("fields", AttributeValue.fromS(FIELDS));
        item.put("score", AttributeValue.fromN(Integer.toString(SCORE)));
        item.put("needsReplication", AttributeValue.fromBool(needsReplication));
        Map<String, AttributeValue> verdict = new HashMap<>();
        verdict.put("status", AttributeValue.fromS("PENDING"));
        verdict.put("code", AttributeValue.fromNul(true));
        item.put("verdicts", AttributeValue.fromM(Map.of("market-123", AttributeValue.fromM(verdict))));
        item.put("createdAt", AttributeValue.fromS(now));
        item.put("updatedAt", AttributeValue.fromS(now));
        return item;
    }
}
