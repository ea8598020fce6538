package regworkers.replication.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import regworkers.platform.Failures;
import regworkers.platform.WorkerLog;
import regworkers.platform.cluster.LeaseTable.Checkpoint;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads shards: from the iterator the previous poll left, else from a new one after the shard's checkpoint. An
 * expired iterator is replaced; a checkpoint past the stream's retention goes on from the oldest record retained.
 */
final class ShardReader {

    private static final WorkerLog LOG = WorkerLog.of(ShardReader.class);

    private static final int GET_RECORDS_LIMIT = 1000;

    private final DynamoDbStreamsClient streams;
    private final StreamShards shards;
    private final Checkpoints checkpoints;
    private final int maxRecordsPerShard;
    private final ShardIteratorType initialPosition;
    private final Map<String, String> iterators = new HashMap<>();

    ShardReader(
            DynamoDbStreamsClient streams,
            StreamShards shards,
            Checkpoints checkpoints,
            int maxRecordsPerShard,
            ShardIteratorType initialPosition) {
        this.streams = streams;
        this.shards = shards;
        this.checkpoints = checkpoints;
        this.maxRecordsPerShard = maxRecordsPerShard;
        this.initialPosition = initialPosition;
    }

    /**
     * Up to the per-poll maximum of records of {@code shard}. Throws
     * {@link software.amazon.awssdk.core.exception.SdkException} when the stream or the lease table cannot be read.
     */
    ShardRead read(Shard shard) {
        String shardId = shard.shardId();
        try {
            String iterator = iterators.remove(shardId);
            if (iterator == null) {
                iterator = newIterator(shard);
            }
            List<Record> records = new ArrayList<>();
            boolean recovered = false;
            while (records.size() < maxRecordsPerShard) {
                GetRecordsResponse response;
                try {
                    String current = iterator;
                    int limit = Math.min(GET_RECORDS_LIMIT, maxRecordsPerShard - records.size());
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
                        LOG.warn(
                                "Shard iterator expired: a new one starts after the checkpoint",
                                Map.of("shardId", shardId));
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
            shards.gone(shardId);
            LOG.warn(
                    "Shard no longer found in the stream",
                    Map.of("shardId", shardId, "error", Failures.describe(gone)));
            return ShardRead.nothing(shardId);
        }
    }

    /** The next poll goes on from {@code iterator} rather than from the checkpoint. */
    void continueFrom(String shardId, String iterator) {
        iterators.put(shardId, iterator);
    }

    /** The next poll starts again from the shard's checkpoint. */
    void restartFromCheckpoint(String shardId) {
        iterators.remove(shardId);
    }

    void retainAll(Set<String> shardIds) {
        iterators.keySet().retainAll(shardIds);
    }

    void forget() {
        iterators.clear();
    }

    /** After the checkpoint; without one, the start of the shard (a child, or by default any shard) or LATEST. */
    private String newIterator(Shard shard) {
        Checkpoint checkpoint = checkpoints.of(shard.shardId());
        if (checkpoint.sequenceNumber() != null) {
            try {
                return streams.getShardIterator(b -> b.streamArn(shards.streamArn())
                                .shardId(shard.shardId())
                                .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                .sequenceNumber(checkpoint.sequenceNumber()))
                        .shardIterator();
            } catch (TrimmedDataAccessException e) {
                return trimmed(shard, e);
            }
        }
        boolean child = shard.parentShardId() != null && shards.lists(shard.parentShardId());
        return iterator(shard, child ? ShardIteratorType.TRIM_HORIZON : initialPosition);
    }

    /**
     * The records after the checkpoint are past the stream's retention: they are lost; say so and go on from the oldest
     * record retained. Without a checkpoint the reader was due to start at the trim horizon anyway, so nothing it
     * owed is lost (DynamoDB Local says "trimmed" for an iterator taken on a shard that was still empty).
     */
    private String trimmed(Shard shard, TrimmedDataAccessException e) {
        String checkpoint = checkpoints.of(shard.shardId()).sequenceNumber();
        Map<String, String> data = Map.of(
                "shardId", shard.shardId(), "checkpoint", String.valueOf(checkpoint), "error", Failures.describe(e));
        if (checkpoint != null) {
            LOG.error(
                    "Stream records were trimmed before they were read: continuing from the oldest record retained",
                    data);
        } else {
            LOG.warn("Shard iterator behind the trim horizon: starting again from the oldest record retained", data);
        }
        return iterator(shard, ShardIteratorType.TRIM_HORIZON);
    }

    private String iterator(Shard shard, ShardIteratorType type) {
        return streams.getShardIterator(b ->
                        b.streamArn(shards.streamArn()).shardId(shard.shardId()).shardIteratorType(type))
                .shardIterator();
    }
}
