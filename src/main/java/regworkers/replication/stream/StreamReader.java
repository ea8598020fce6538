package regworkers.replication.stream;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import regworkers.platform.Failures;
import regworkers.platform.Worker;
import regworkers.platform.WorkerLog;
import regworkers.platform.cluster.LeaseTable;
import regworkers.platform.cluster.LeaseTable.Checkpoint;
import regworkers.platform.cluster.LeaseTable.Lease;
import regworkers.platform.cluster.LeaseTable.LeaseLost;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The demand-table stream reader of enqueueEntries (design: package-info). One poll is
 * {@link #holdLease} → {@link #readableShards} → for each: {@link #read} → {@link #forward} → {@link #report};
 * {@link #pollOnce} runs them in a row, the enqueueEntries route step by step. Polls run on one thread at a time.
 * Every step is a no-op once the poll has stopped (lease lost, a table unreachable): a step never throws for those.
 */
public final class StreamReader {

    /** What one poll did. {@code stopped} says why the poll stopped early, null when it did not. */
    public record PollSummary(boolean leader, int read, int forwarded, int skipped, int failed, int shards, long lagMs,
                              String stopped) {
    }

    /** Up to the per-poll maximum of records of one shard; {@code nextIterator} null: start again from the checkpoint. */
    public record ShardRead(String shardId, List<Record> records, String nextIterator, boolean ended) {

        static ShardRead nothing(String shardId) {
            return new ShardRead(shardId, List.of(), null, false);
        }
    }

    private static final int GET_RECORDS_LIMIT = 1000;

    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final LeaseTable leases;
    private final SaveEntriesQueue queue;
    private final EntryChanges changes;
    private final StreamReaderConfig config;
    private final String ownerId;
    private final Clock clock;
    private final Counter forwardedRecords;
    private final Counter skippedRecords;
    private final Counter failedRecords;
    private final AtomicLong lagMs = new AtomicLong();
    private final AtomicLong leader = new AtomicLong();

    // What this process knows while it holds the lease; forgotten whenever it does not (another may have moved on).
    private Lease lease;
    private String streamArn;
    private final Map<String, Shard> shards = new LinkedHashMap<>();
    private final Map<String, Checkpoint> checkpoints = new HashMap<>();
    private final Map<String, String> iterators = new HashMap<>();
    private boolean discoveryDue = true;
    private int pollsSinceDiscovery;
    private Poll poll = new Poll();

    public StreamReader(DynamoDbClient dynamo, DynamoDbStreamsClient streams, SqsClient sqs, ObjectMapper json,
                        String ownerId, Clock clock, StreamReaderConfig config, MeterRegistry meters) {
        this.dynamo = dynamo;
        this.streams = streams;
        this.leases = new LeaseTable(dynamo, config.leaseTable(), config.consumer(), config.table());
        this.queue = new SaveEntriesQueue(sqs, config.queue(), config.maxBatchBytes(), config.deadLetterSuffix());
        this.changes = new EntryChanges(json, config.maxMessageBytes());
        this.config = config;
        this.ownerId = ownerId;
        this.clock = clock;
        this.forwardedRecords = meters.counter("regworkers.stream.records", "outcome", "forwarded");
        this.skippedRecords = meters.counter("regworkers.stream.records", "outcome", "skipped");
        this.failedRecords = meters.counter("regworkers.stream.records", "outcome", "failed");
        Gauge.builder("regworkers.stream.lag", lagMs, AtomicLong::get).baseUnit("milliseconds")
                .description("now minus the ApproximateCreationDateTime of the newest record read in the last poll")
                .register(meters);
        Gauge.builder("regworkers.stream.leader", leader, AtomicLong::get)
                .description("1 while this process holds the stream reader's lease").register(meters);
    }

    /** A unique owner id for this process: the host (the pod's name in Kubernetes) and a random part. */
    public static String newOwnerId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (Exception unknown) {
                host = "unknown-host";
            }
        }
        return host + "-" + UUID.randomUUID();
    }

    public String ownerId() {
        return ownerId;
    }

    public synchronized boolean isLeader() {
        return lease != null;
    }

    public PollSummary pollOnce() {
        if (holdLease()) {
            for (String shardId : readableShards()) {
                forward(read(shardId));
            }
        }
        return report();
    }

    /** Step 1: takes or renews the leader lease. False: another replica reads, or the lease table cannot be reached. */
    public synchronized boolean holdLease() {
        poll = new Poll();
        WorkerLog.context(Worker.ENQUEUE_ENTRIES, poll.id);
        Instant now = clock.instant();
        try {
            if (lease != null) {
                Optional<Lease> renewed = leases.renew(lease, now, config.leaseDuration());
                if (renewed.isEmpty()) {
                    lost("another reader took the lease over");
                    return false;
                }
                lease = renewed.get();
            } else {
                Optional<Lease> acquired = leases.acquire(ownerId, now, config.leaseDuration());
                if (acquired.isEmpty()) {
                    poll.stop("another reader holds the lease");
                    lagMs.set(0);
                    return false;
                }
                lease = acquired.get();
                forget();
                WorkerLog.info("Stream lease acquired: this process reads the stream",
                        Map.of("owner", ownerId, "consumer", config.consumer(), "leaseUntil", lease.until().toString()));
            }
            leader.set(1);
            poll.leader = true;
            return true;
        } catch (SdkException unreachable) {
            // whether the lease is still ours is unknown: read nothing until a renewal answers
            poll.stop("the lease table cannot be reached");
            WorkerLog.warn("Stream lease not renewed: not reading this poll", Map.of("error", Failures.describe(unreachable)));
            return false;
        }
    }

    /**
     * Step 2: the shards to read now, parents before children: not finished, and whose parent (when the stream still
     * lists it) is finished. Discovers new shards every few polls.
     */
    public synchronized List<String> readableShards() {
        if (!reading()) {
            return List.of();
        }
        try {
            if (discoveryDue || ++pollsSinceDiscovery >= config.discoverShardsEveryPolls()) {
                discoverShards();
            }
            List<Shard> ordered = new ArrayList<>(shards.values());
            ordered.sort(Comparator.comparing(StreamReader::startingSequence));
            List<String> readable = new ArrayList<>();
            for (Shard shard : ordered) {
                if (checkpoint(shard.shardId()).finished()) {
                    continue;
                }
                String parent = shard.parentShardId();
                if (parent != null && shards.containsKey(parent) && !checkpoint(parent).finished()) {
                    continue;
                }
                readable.add(shard.shardId());
            }
            return readable;
        } catch (SdkException e) {
            stopPoll("the stream or the lease table cannot be read", e);
            return List.of();
        }
    }

    /** Step 3: up to the per-poll maximum of records of one shard, after its checkpoint (or its cached iterator). */
    public synchronized ShardRead read(String shardId) {
        Shard shard = shards.get(shardId);
        if (shard == null || !reading() || !leaseStillValid()) {
            return ShardRead.nothing(shardId);
        }
        try {
            String iterator = iterators.remove(shardId);
            if (iterator == null) {
                iterator = newIterator(shard);
            }
            List<Record> records = new ArrayList<>();
            boolean recovered = false;
            while (records.size() < config.maxRecordsPerShard()) {
                GetRecordsResponse response;
                try {
                    String current = iterator;
                    int limit = Math.min(GET_RECORDS_LIMIT, config.maxRecordsPerShard() - records.size());
                    response = streams.getRecords(b -> b.shardIterator(current).limit(limit));
                } catch (ExpiredIteratorException | TrimmedDataAccessException e) {
                    if (!records.isEmpty() || recovered) {
                        // forward what was read; the next poll starts again from the checkpoint
                        return new ShardRead(shardId, records, null, false);
                    }
                    recovered = true;
                    if (e instanceof TrimmedDataAccessException trimmed) {
                        iterator = trimmed(shard, trimmed);
                    } else {
                        WorkerLog.warn("Shard iterator expired: a new one starts after the checkpoint", Map.of("shardId", shardId));
                        iterator = newIterator(shard);
                    }
                    continue;
                }
                records.addAll(response.records());
                iterator = response.nextShardIterator();
                if (iterator == null) {
                    return new ShardRead(shardId, records, null, true);
                }
                if (response.records().isEmpty()) {
                    break;
                }
            }
            return new ShardRead(shardId, records, iterator, false);
        } catch (ResourceNotFoundException gone) {
            // trimmed away or the stream was replaced: the next discovery tells
            shards.remove(shardId);
            discoveryDue = true;
            WorkerLog.warn("Shard no longer found in the stream", Map.of("shardId", shardId, "error", Failures.describe(gone)));
            return ShardRead.nothing(shardId);
        } catch (SdkException e) {
            stopPoll("the stream cannot be read", e);
            return ShardRead.nothing(shardId);
        }
    }

    /**
     * Step 4: the kept records of {@code read} to saveEntriesQueue in batches of up to 10, the shard's checkpoint
     * written after each batch SQS took in full. A batch SQS refuses in part moves the checkpoint only up to the
     * record before the first refused message, and the shard is read again from there next poll.
     */
    public synchronized void forward(ShardRead read) {
        String shardId = read.shardId();
        if (!reading() || !shards.containsKey(shardId)) {
            return;
        }
        List<Record> records = read.records();
        poll.read += records.size();
        if (!records.isEmpty()) {
            poll.shards++;
            Instant created = records.get(records.size() - 1).dynamodb().approximateCreationDateTime();
            if (created != null) {
                poll.lagMs = Math.max(poll.lagMs, Math.max(0, Duration.between(created, clock.instant()).toMillis()));
            }
        }
        List<Optional<EntryChange>> kept = records.stream().map(record -> changes.of(record, poll.id)).toList();
        int next = 0;
        while (next < records.size()) {
            List<EntryChange> batch = new ArrayList<>();
            List<Integer> batchRecords = new ArrayList<>();
            int end = next;
            for (; end < records.size(); end++) {
                Optional<EntryChange> change = kept.get(end);
                if (change.isPresent()) {
                    if (!queue.fits(batch, change.get())) {
                        break;
                    }
                    batch.add(change.get());
                    batchRecords.add(end);
                }
            }
            // records [next, end) are this batch's: its messages and the skipped records among them
            if (!leaseStillValid()) {
                return;
            }
            SaveEntriesQueue.Sent sent = queue.send(batch);
            poll.forwarded += sent.delivered();
            forwardedRecords.increment(sent.delivered());
            int firstWaiting = rescueRefusedForGood(shardId, batch, sent);
            if (firstWaiting >= 0) {
                int failedRecord = batchRecords.get(firstWaiting);
                int failed = batch.size() - sent.delivered();
                poll.failed += failed;
                failedRecords.increment(failed);
                countSkipped(kept, next, failedRecord);
                iterators.remove(shardId);
                WorkerLog.error("saveEntriesQueue refused stream records: the shard's checkpoint stays before them",
                        Map.of("shardId", shardId, "sequenceNumber", records.get(failedRecord).dynamodb().sequenceNumber(),
                                "refused", failed, "error", String.valueOf(sent.error())));
                if (failedRecord > next) {
                    saveCheckpoint(shardId, new Checkpoint(records.get(failedRecord - 1).dynamodb().sequenceNumber(), false));
                }
                return;
            }
            countSkipped(kept, next, end);
            boolean finished = read.ended() && end == records.size();
            if (!saveCheckpoint(shardId, new Checkpoint(records.get(end - 1).dynamodb().sequenceNumber(), finished))) {
                return;
            }
            next = end;
        }
        if (records.isEmpty() && read.ended()) {
            if (!saveCheckpoint(shardId, new Checkpoint(checkpoint(shardId).sequenceNumber(), true))) {
                return;
            }
        }
        if (read.ended()) {
            discoveryDue = true;
            WorkerLog.info("Shard read to its end", Map.of("shardId", shardId));
        } else if (read.nextIterator() != null) {
            iterators.put(shardId, read.nextIterator());
        }
    }

    /** Step 5: the poll's log line (when it read anything) and metrics. */
    public synchronized PollSummary report() {
        PollSummary summary = new PollSummary(poll.leader, poll.read, poll.forwarded, poll.skipped, poll.failed,
                poll.shards, poll.lagMs, poll.stopped);
        lagMs.set(poll.leader ? poll.lagMs : 0);
        if (poll.read > 0 || poll.failed > 0) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("read", poll.read);
            data.put("forwarded", poll.forwarded);
            data.put("skipped", poll.skipped);
            data.put("failed", poll.failed);
            data.put("shards", poll.shards);
            data.put("lagMs", poll.lagMs);
            WorkerLog.info("Stream records forwarded to saveEntriesQueue", data);
        }
        return summary;
    }

    /**
     * The messages of {@code batch} SQS refused for good go as their keys only, else to the dead-letter queue, so no
     * record holds its shard; answers the index of the first refused message still waiting (SQS could not take it
     * now), -1 when none is.
     */
    private int rescueRefusedForGood(String shardId, List<EntryChange> batch, SaveEntriesQueue.Sent sent) {
        for (int index : sent.refused()) {
            if (!sent.refusedForGood().contains(index)) {
                return index;
            }
            EntryChange change = batch.get(index);
            SaveEntriesQueue.Rescue rescue = queue.rescue(change, shardId, String.valueOf(sent.error()));
            Map<String, Object> data = Map.of("shardId", shardId, "sequenceNumber", change.sequenceNumber(), "error", String.valueOf(sent.error()));
            switch (rescue) {
                case SENT_AS_KEYS -> {
                    poll.forwarded++;
                    forwardedRecords.increment();
                    WorkerLog.warn("saveEntriesQueue refused a stream record: sent as its entry's keys (saveEntries re-reads the item)", data);
                }
                case DEAD_LETTERED -> {
                    poll.failed++;
                    failedRecords.increment();
                    WorkerLog.error("saveEntriesQueue refused a stream record for good: parked in its dead-letter queue, the checkpoint "
                            + "moves past it (README \"Stream records SQS refuses\")", data);
                }
                case NOT_YET -> {
                    return index;
                }
            }
        }
        return -1;
    }

    /** An unexpected failure of a poll: forget the iterators, so the next poll starts again from the checkpoints. */
    public synchronized void pollFailed(Throwable failure) {
        iterators.clear();
        discoveryDue = true;
        poll.stop("unexpected failure");
        WorkerLog.error("Stream poll failed", Map.of("error", failure == null ? "unknown" : Failures.describe(failure),
                "type", failure == null ? "unknown" : failure.getClass().getName()));
    }

    /** Gives the lease up (the route stops, the process shuts down), so another replica takes over at once. */
    public synchronized void release() {
        if (lease == null) {
            return;
        }
        Lease released = lease;
        lease = null;
        forget();
        leader.set(0);
        try {
            leases.release(released, clock.instant());
            WorkerLog.info("Stream lease released", Map.of("owner", ownerId, "consumer", config.consumer()));
        } catch (SdkException e) {
            WorkerLog.warn("Stream lease not released: another reader takes over once it expires",
                    Map.of("error", Failures.describe(e)));
        }
    }

    private boolean reading() {
        return lease != null && poll.leader && poll.stopped == null;
    }

    /** Renews the lease within a long poll; false (and the poll stops) when that fails. */
    private boolean leaseStillValid() {
        Instant now = clock.instant();
        if (now.isBefore(lease.renewedAt().plus(config.leaseDuration().dividedBy(3)))) {
            return true;
        }
        try {
            Optional<Lease> renewed = leases.renew(lease, now, config.leaseDuration());
            if (renewed.isEmpty()) {
                lost("another reader took the lease over");
                return false;
            }
            lease = renewed.get();
            return true;
        } catch (SdkException e) {
            stopPoll("the lease could not be renewed", e);
            return false;
        }
    }

    private boolean saveCheckpoint(String shardId, Checkpoint checkpoint) {
        try {
            leases.saveCheckpoint(lease, streamArn, shardId, checkpoint, clock.instant());
            checkpoints.put(shardId, checkpoint);
            return true;
        } catch (LeaseLost e) {
            lost("a checkpoint write found the lease taken over");
            return false;
        } catch (SdkException e) {
            // the records are in the queue but not checkpointed: they are sent again (saveEntries absorbs duplicates)
            iterators.remove(shardId);
            stopPoll("a checkpoint could not be written", e);
            return false;
        }
    }

    private void discoverShards() {
        String latest = dynamo.describeTable(b -> b.tableName(config.table())).table().latestStreamArn();
        if (latest == null) {
            WorkerLog.warn("The table has no stream: nothing to read", Map.of("table", config.table()));
            forget();
            discoveryDue = false;
            return;
        }
        if (!latest.equals(streamArn)) {
            if (streamArn != null) {
                WorkerLog.warn("The table's stream changed: reading the new one", Map.of("from", streamArn, "to", latest));
            }
            forget();
            streamArn = latest;
        }
        Map<String, Shard> found = new LinkedHashMap<>();
        String startAfter = null;
        do {
            String exclusiveStart = startAfter;
            DescribeStreamResponse page = streams.describeStream(b -> b.streamArn(latest).exclusiveStartShardId(exclusiveStart));
            page.streamDescription().shards().forEach(shard -> found.put(shard.shardId(), shard));
            startAfter = page.streamDescription().lastEvaluatedShardId();
        } while (startAfter != null);
        shards.clear();
        shards.putAll(found);
        checkpoints.keySet().retainAll(found.keySet());
        iterators.keySet().retainAll(found.keySet());
        discoveryDue = false;
        pollsSinceDiscovery = 0;
    }

    private Checkpoint checkpoint(String shardId) {
        return checkpoints.computeIfAbsent(shardId, id -> leases.checkpoint(streamArn, id));
    }

    /** After the checkpoint; without one, the start of the shard (a child, or by default any shard) or LATEST. */
    private String newIterator(Shard shard) {
        Checkpoint checkpoint = checkpoint(shard.shardId());
        if (checkpoint.sequenceNumber() != null) {
            try {
                return streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(checkpoint.sequenceNumber()))
                        .shardIterator();
            } catch (TrimmedDataAccessException e) {
                return trimmed(shard, e);
            }
        }
        boolean child = shard.parentShardId() != null && shards.containsKey(shard.parentShardId());
        ShardIteratorType start = child ? ShardIteratorType.TRIM_HORIZON : config.initialPosition();
        return iterator(shard, start);
    }

    /**
     * The records after the checkpoint are past the stream's retention: they are lost; say so and go on from the oldest
     * record retained. Without a checkpoint the reader was due to start at the trim horizon anyway, so nothing it
     * owed is lost (DynamoDB Local says "trimmed" for an iterator taken on a shard that was still empty).
     */
    private String trimmed(Shard shard, TrimmedDataAccessException e) {
        String checkpoint = checkpoint(shard.shardId()).sequenceNumber();
        Map<String, String> data = Map.of("shardId", shard.shardId(), "checkpoint", String.valueOf(checkpoint), "error", Failures.describe(e));
        if (checkpoint != null) {
            WorkerLog.error("Stream records were trimmed before they were read: continuing from the oldest record retained", data);
        } else {
            WorkerLog.warn("Shard iterator behind the trim horizon: starting again from the oldest record retained", data);
        }
        return iterator(shard, ShardIteratorType.TRIM_HORIZON);
    }

    private String iterator(Shard shard, ShardIteratorType type) {
        return streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard.shardId()).shardIteratorType(type)).shardIterator();
    }

    private void countSkipped(List<Optional<EntryChange>> kept, int from, int to) {
        int skipped = (int) kept.subList(from, to).stream().filter(Optional::isEmpty).count();
        poll.skipped += skipped;
        skippedRecords.increment(skipped);
    }

    private void lost(String why) {
        WorkerLog.warn("Stream lease lost: reading stops", Map.of("owner", ownerId, "consumer", config.consumer(), "why", why));
        lease = null;
        forget();
        leader.set(0);
        poll.stop("lease lost");
    }

    private void stopPoll(String why, SdkException e) {
        poll.stop(why);
        WorkerLog.warn("Stream poll stopped: " + why, Map.of("error", Failures.describe(e)));
    }

    private void forget() {
        streamArn = null;
        shards.clear();
        checkpoints.clear();
        iterators.clear();
        discoveryDue = true;
    }

    private static BigInteger startingSequence(Shard shard) {
        try {
            return new BigInteger(shard.sequenceNumberRange().startingSequenceNumber());
        } catch (RuntimeException unknown) {
            return BigInteger.ZERO;
        }
    }

    private static final class Poll {
        final String id = "stream-poll-" + UUID.randomUUID();
        boolean leader;
        int read;
        int forwarded;
        int skipped;
        int failed;
        int shards;
        long lagMs;
        String stopped;

        void stop(String why) {
            if (stopped == null) {
                stopped = why;
            }
        }
    }
}
