package regworkers.replication.stream;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import software.amazon.awssdk.services.dynamodb.model.Shard;

/**
 * Which shards to read now, parents before children: a child starts only once its parent was read to its end, so
 * the records of one item stay in order.
 */
final class ShardOrder {

    private ShardOrder() {}

    /**
     * The ids of the shards not {@code finished} whose parent, when {@code shards} still lists it, is finished; in the
     * order of their starting sequence numbers.
     */
    static List<String> readable(Collection<Shard> shards, Predicate<String> finished) {
        Set<String> listed = shards.stream().map(Shard::shardId).collect(Collectors.toSet());
        List<Shard> ordered = new ArrayList<>(shards);
        ordered.sort(Comparator.comparing(ShardOrder::startingSequence));
        List<String> readable = new ArrayList<>();
        for (Shard shard : ordered) {
            if (finished.test(shard.shardId())) {
                continue;
            }
            String parent = shard.parentShardId();
            if (parent != null && listed.contains(parent) && !finished.test(parent)) {
                continue;
            }
            readable.add(shard.shardId());
        }
        return readable;
    }

    private static BigInteger startingSequence(Shard shard) {
        try {
            return new BigInteger(shard.sequenceNumberRange().startingSequenceNumber());
        } catch (RuntimeException unknown) {
            return BigInteger.ZERO;
        }
    }
}
