package regworkers.replication.stream;

import java.time.Duration;

import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

/**
 * What a {@link StreamReader} reads and how.
 *
 * @param table the table whose stream is read (demand-table)
 * @param leaseTable the table of the leader lease and the shard checkpoints (no stream)
 * @param consumer the name leases and checkpoints are kept under; readers of one name share one position
 * @param queue saveEntriesQueue: a queue name or URL
 * @param leaseDuration how long the lease holds without renewal; another replica takes over after that
 * @param maxRecordsPerShard records read from one shard per poll at most
 * @param initialPosition where a shard with neither a checkpoint nor a known parent starts: TRIM_HORIZON (all
 *                        that the stream retains, never skipping) or LATEST (only what comes next)
 * @param discoverShardsEveryPolls how many polls between two DescribeStream (also after a shard ended)
 * @param maxBatchBytes SQS' limit on a SendMessageBatch payload
 * @param maxMessageBytes the queue's MaximumMessageSize: a larger message goes as its entry's keys only
 * @param deadLetterSuffix the queue's dead-letter queue is its name with this suffix: where records SQS refuses
 *                         for good are parked
 */
public record StreamReaderConfig(
        String table,
        String leaseTable,
        String consumer,
        String queue,
        Duration leaseDuration,
        int maxRecordsPerShard,
        ShardIteratorType initialPosition,
        int discoverShardsEveryPolls,
        int maxBatchBytes,
        int maxMessageBytes,
        String deadLetterSuffix) {

    public StreamReaderConfig {
        if (initialPosition != ShardIteratorType.TRIM_HORIZON && initialPosition != ShardIteratorType.LATEST) {
            throw new IllegalArgumentException(
                    "the initial position is TRIM_HORIZON or LATEST, not " + initialPosition);
        }
        if (maxRecordsPerShard < 1
                || discoverShardsEveryPolls < 1
                || leaseDuration.isNegative()
                || leaseDuration.isZero()) {
            throw new IllegalArgumentException(
                    "max records per shard, shard discovery interval and lease duration must be positive");
        }
        if (maxBatchBytes < 1 || maxMessageBytes < 1) {
            throw new IllegalArgumentException("the batch and message size limits must be positive");
        }
    }

    /**
     * The reader's configuration: {@code stream} ({@code replication.stream.*}, checked here at start-up, the poll
     * interval too although the route uses it) and what it reads and writes.
     */
    public static StreamReaderConfig of(
            ReplicationStreamConfig stream,
            String table,
            String leaseTable,
            String consumer,
            String queue,
            String deadLetterSuffix) {
        if (stream.pollInterval().isNegative() || stream.pollInterval().isZero()) {
            throw new IllegalArgumentException(
                    "replication.stream.poll-interval must be positive, not " + stream.pollInterval());
        }
        return new StreamReaderConfig(
                table,
                leaseTable,
                consumer,
                queue,
                stream.leaseDuration(),
                stream.maxRecordsPerShard(),
                stream.initialPosition(),
                stream.discoverShardsEveryPolls(),
                stream.maxBatchBytes(),
                stream.maxMessageBytes(),
                deadLetterSuffix);
    }
}
