package regworkers.replication.stream;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import regworkers.platform.cluster.LeaseTable;
import regworkers.platform.cluster.LeaseTable.Checkpoint;
import regworkers.platform.cluster.LeaseTable.Lease;

/**
 * The checkpoints of the shards of the stream being read, in the lease table: each read once, then kept as this
 * reader writes them (only the lease holder writes them). Calls that reach the lease table throw
 * {@link software.amazon.awssdk.core.exception.SdkException} when it cannot be reached.
 */
final class Checkpoints {

    private final LeaseTable table;
    private final StreamShards shards;
    private final Map<String, Checkpoint> known = new HashMap<>();

    Checkpoints(LeaseTable table, StreamShards shards) {
        this.table = table;
        this.shards = shards;
    }

    Checkpoint of(String shardId) {
        return known.computeIfAbsent(shardId, id -> table.checkpoint(shards.streamArn(), id));
    }

    /** Fenced by {@code lease}: throws {@link LeaseTable.LeaseLost} when the lease item no longer carries its token. */
    void save(Lease lease, String shardId, Checkpoint checkpoint, Instant now) {
        table.saveCheckpoint(lease, shards.streamArn(), shardId, checkpoint, now);
        known.put(shardId, checkpoint);
    }

    void retainAll(Set<String> shardIds) {
        known.keySet().retainAll(shardIds);
    }

    void forget() {
        known.clear();
    }
}
