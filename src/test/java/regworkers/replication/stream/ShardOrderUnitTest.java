package regworkers.replication.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.Shard;

/** Which shards a poll reads, in which order: parents before children. */
class ShardOrderUnitTest {

    @Test
    void shardsAreReadInTheOrderOfTheirStartingSequenceNumbers() {
        List<Shard> shards = List.of(shard("c", null, "300"), shard("a", null, "20"), shard("b", null, "100"));
        assertEquals(
                List.of("a", "b", "c"),
                ShardOrder.readable(shards, Set.<String>of()::contains),
                "compared as numbers, not as text");
    }

    @Test
    void aChildWaitsUntilItsParentIsFinished() {
        List<Shard> shards = List.of(shard("parent", null, "1"), shard("child", "parent", "5"));
        assertEquals(List.of("parent"), ShardOrder.readable(shards, Set.<String>of()::contains));
        assertEquals(List.of("child"), ShardOrder.readable(shards, Set.of("parent")::contains));
        assertEquals(List.of(), ShardOrder.readable(shards, Set.of("parent", "child")::contains));
    }

    @Test
    void aChildWhoseParentTheStreamNoLongerListsIsRead() {
        List<Shard> shards = List.of(shard("child", "trimmed-parent", "5"));
        assertEquals(List.of("child"), ShardOrder.readable(shards, Set.<String>of()::contains));
    }

    @Test
    void aShardWithoutAReadableStartingSequenceNumberComesFirst() {
        List<Shard> shards = List.of(shard("numbered", null, "7"), shard("unnumbered", null, "not-a-number"));
        assertEquals(List.of("unnumbered", "numbered"), ShardOrder.readable(shards, Set.<String>of()::contains));
    }

    private static Shard shard(String id, String parent, String startingSequenceNumber) {
        return Shard.builder()
                .shardId(id)
                .parentShardId(parent)
                .sequenceNumberRange(range -> range.startingSequenceNumber(startingSequenceNumber))
                .build();
    }
}
