package regworkers.replication.stream;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import regworkers.platform.Failures;
import regworkers.platform.Worker;
import regworkers.platform.WorkerLog;
import regworkers.platform.cluster.LeaseTable;
import regworkers.platform.cluster.LeaseTable.Checkpoint;
import regworkers.platform.cluster.LeaseTable.LeaseLost;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The demand-table stream reader of enqueueEntries (design: package-info): the steps of one poll, which the
 * enqueueEntries poll route calls in turn: {@link #holdLease} → {@link #readableShards} → for each: {@link #read} →
 * {@link #forward} → {@link #report}. Polls run on one thread at a time. Every step is a no-op once the poll has
 * stopped (lease lost, a table unreachable): a step never throws for those.
 */
public final class StreamReader {

    private static final WorkerLog LOG = WorkerLog.of(StreamReader.class);

    private final StreamLease lease;
    private final StreamShards shards;
    private final Checkpoints checkpoints;
    private final ShardReader shardReader;
    private final SaveEntriesQueue queue;
    private final EntryChanges changes;
    private final StreamMetrics metrics;
    private final Clock clock;
    private Poll poll;

    public StreamReader(
            DynamoDbClient dynamo,
            DynamoDbStreamsClient streams,
            SqsClient sqs,
            ObjectMapper json,
            String ownerId,
            Clock clock,
            StreamReaderConfig config,
            MeterRegistry meters) {
        LeaseTable leaseTable = new LeaseTable(dynamo, config.leaseTable(), config.consumer(), config.table());
        this.lease = new StreamLease(leaseTable, ownerId, config.consumer(), config.leaseDuration(), clock);
        this.shards = new StreamShards(dynamo, streams, config.table(), config.discoverShardsEveryPolls());
        this.checkpoints = new Checkpoints(leaseTable, shards);
        this.shardReader =
                new ShardReader(streams, shards, checkpoints, config.maxRecordsPerShard(), config.initialPosition());
        this.queue = new SaveEntriesQueue(sqs, config.queue(), config.maxBatchBytes(), config.deadLetterSuffix());
        this.changes = new EntryChanges(json, config.maxMessageBytes());
        this.metrics = new StreamMetrics(meters);
        this.clock = clock;
        this.poll = new Poll(metrics);
    }

    public String ownerId() {
        return lease.ownerId();
    }

    public synchronized boolean isLeader() {
        return lease.held();
    }

    /** Step 1: takes or renews the leader lease. False: another replica reads, or the lease table cannot be reached. */
    public synchronized boolean holdLease() {
        poll = new Poll(metrics);
        WorkerLog.context(Worker.ENQUEUE_ENTRIES, poll.id());
        try {
            switch (lease.hold()) {
                case LOST -> {
                    lost("another reader took the lease over");
                    return false;
                }
                case HELD_ELSEWHERE -> {
                    poll.stop("another reader holds the lease");
                    metrics.lag(0);
                    return false;
                }
                case ACQUIRED -> forget();
                case RENEWED -> {}
            }
            metrics.leader(true);
            poll.lead();
            return true;
        } catch (SdkException unreachable) {
            // whether the lease is still ours is unknown: read nothing until a renewal answers
            poll.stop("the lease table cannot be reached");
            LOG.warn(
                    "Stream lease not renewed: not reading this poll", Map.of("error", Failures.describe(unreachable)));
            return false;
        }
    }

    /** Step 2: the shards to read now, parents before children ({@link ShardOrder}); discovers shards when due. */
    public synchronized List<String> readableShards() {
        if (!reading()) {
            return List.of();
        }
        try {
            switch (shards.discoverIfDue()) {
                case NO_STREAM, NEW_STREAM -> {
                    checkpoints.forget();
                    shardReader.forget();
                }
                case SAME_STREAM -> {
                    checkpoints.retainAll(shards.ids());
                    shardReader.retainAll(shards.ids());
                }
                case NOT_DUE -> {}
            }
            return ShardOrder.readable(
                    shards.all(), shardId -> checkpoints.of(shardId).finished());
        } catch (SdkException e) {
            stopPoll("the stream or the lease table cannot be read", e);
            return List.of();
        }
    }

    /** Step 3: up to the per-poll maximum of records of one shard, after its checkpoint (or its cached iterator). */
    public synchronized ShardRead read(String shardId) {
        Shard shard = shards.shard(shardId);
        if (shard == null || !reading() || !leaseStillValid()) {
            return ShardRead.nothing(shardId);
        }
        try {
            return shardReader.read(shard);
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
        if (!reading() || !shards.lists(shardId)) {
            return;
        }
        List<Record> records = read.records();
        poll.read(records, clock.instant());
        List<Optional<EntryChange>> kept =
                records.stream().map(record -> changes.of(record, poll.id())).toList();
        for (SaveEntriesQueue.Batch batch : queue.batches(kept)) {
            if (!leaseStillValid()) {
                return;
            }
            SaveEntriesQueue.ShardBatchSent sent = queue.sendRescuing(batch.changes(), shardId);
            poll.forwarded(sent.sent().delivered() + sent.sentAsKeys());
            poll.failed(sent.deadLettered());
            if (sent.firstWaiting() >= 0) {
                holdCheckpointBefore(read, batch, sent);
                return;
            }
            poll.skipped(batch.skippedBefore(batch.to()));
            boolean finished = read.ended() && batch.to() == records.size();
            if (!saveCheckpoint(shardId, new Checkpoint(sequenceNumber(records, batch.to() - 1), finished))) {
                return;
            }
        }
        if (records.isEmpty()
                && read.ended()
                && !saveCheckpoint(
                        shardId, new Checkpoint(checkpoints.of(shardId).sequenceNumber(), true))) {
            return;
        }
        if (read.ended()) {
            shards.discoverNextPoll();
            LOG.info("Shard read to its end", Map.of("shardId", shardId));
        } else if (read.nextIterator() != null) {
            shardReader.continueFrom(shardId, read.nextIterator());
        }
    }

    /** Step 5, every poll: the poll's log line (when it read anything) and metrics. */
    public synchronized PollSummary report() {
        // a poll without the lease leaves the lag gauge as holdLease set it
        if (poll.leads()) {
            metrics.lag(poll.lagMs());
        }
        poll.log();
        return poll.summary();
    }

    /** An unexpected failure of a poll: forget the iterators, so the next poll starts again from the checkpoints. */
    public synchronized PollSummary pollFailed(Throwable failure) {
        shardReader.forget();
        shards.discoverNextPoll();
        poll.stop("unexpected failure");
        LOG.error(
                "Stream poll failed",
                Map.of(
                        "error",
                        failure == null ? "unknown" : Failures.describe(failure),
                        "type",
                        failure == null ? "unknown" : failure.getClass().getName()));
        return poll.summary();
    }

    /** Gives the lease up (the route stops, the process shuts down), so another replica takes over at once. */
    public synchronized void release() {
        if (!lease.held()) {
            return;
        }
        forget();
        metrics.leader(false);
        lease.release();
    }

    /**
     * The first refused message of the batch waits: the checkpoint moves up to the record before it at most, and the
     * shard is read again from there next poll.
     */
    private void holdCheckpointBefore(
            ShardRead read, SaveEntriesQueue.Batch batch, SaveEntriesQueue.ShardBatchSent sent) {
        String shardId = read.shardId();
        int waitingRecord = batch.positions().get(sent.firstWaiting());
        // what forward already counted (sent as keys, dead-lettered) is not refused again
        int refused = batch.changes().size() - sent.sent().delivered() - sent.sentAsKeys() - sent.deadLettered();
        poll.failed(refused);
        poll.skipped(batch.skippedBefore(waitingRecord));
        shardReader.restartFromCheckpoint(shardId);
        LOG.error(
                "saveEntriesQueue refused stream records: the shard's checkpoint stays before them",
                Map.of(
                        "shardId",
                        shardId,
                        "sequenceNumber",
                        sequenceNumber(read.records(), waitingRecord),
                        "refused",
                        refused,
                        "error",
                        String.valueOf(sent.sent().error())));
        if (waitingRecord > batch.from()) {
            saveCheckpoint(shardId, new Checkpoint(sequenceNumber(read.records(), waitingRecord - 1), false));
        }
    }

    private boolean reading() {
        return lease.held() && poll.leads() && !poll.stopped();
    }

    /** Renews the lease within a long poll; false (and the poll stops) when that fails. */
    private boolean leaseStillValid() {
        try {
            if (lease.renewIfDue()) {
                return true;
            }
            lost("another reader took the lease over");
            return false;
        } catch (SdkException e) {
            stopPoll("the lease could not be renewed", e);
            return false;
        }
    }

    private boolean saveCheckpoint(String shardId, Checkpoint checkpoint) {
        try {
            checkpoints.save(lease.current(), shardId, checkpoint, clock.instant());
            return true;
        } catch (LeaseLost e) {
            lost("a checkpoint write found the lease taken over");
            return false;
        } catch (SdkException e) {
            // the records are in the queue but not checkpointed: they are sent again (saveEntries absorbs duplicates)
            shardReader.restartFromCheckpoint(shardId);
            stopPoll("a checkpoint could not be written", e);
            return false;
        }
    }

    private void lost(String why) {
        lease.lost(why);
        forget();
        metrics.leader(false);
        poll.stop("lease lost");
    }

    private void stopPoll(String why, SdkException e) {
        poll.stop(why);
        LOG.warn("Stream poll stopped: " + why, Map.of("error", Failures.describe(e)));
    }

    /** What this process knows while it holds the lease; forgotten whenever it does not (another may have moved on). */
    private void forget() {
        shards.forget();
        checkpoints.forget();
        shardReader.forget();
    }

    private static String sequenceNumber(List<Record> records, int index) {
        return records.get(index).dynamodb().sequenceNumber();
    }
}
