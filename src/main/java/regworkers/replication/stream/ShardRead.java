package regworkers.replication.stream;

import java.util.List;

import software.amazon.awssdk.services.dynamodb.model.Record;

/** Up to the per-poll maximum of records of one shard; {@code nextIterator} null: start again from the checkpoint. */
public record ShardRead(String shardId, List<Record> records, String nextIterator, boolean ended) {

    static ShardRead nothing(String shardId) {
        return new ShardRead(shardId, List.of(), null, false);
    }
}
