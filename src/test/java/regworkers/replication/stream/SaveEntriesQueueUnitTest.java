package regworkers.replication.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** How a read's records are cut into SendMessageBatch calls (no SQS involved). */
class SaveEntriesQueueUnitTest {

    private final SaveEntriesQueue queue = new SaveEntriesQueue(null, "saveEntriesQueue", 1_000, "-dlq");

    @Test
    void tenMessagesMakeABatchAndSkippedRecordsStayWithTheirBatch() {
        List<Optional<EntryChange>> kept = new ArrayList<>();
        IntStream.range(0, 12).forEach(i -> kept.add(Optional.of(change(i, 10))));
        kept.add(3, Optional.empty());

        List<SaveEntriesQueue.Batch> batches = queue.batches(kept);

        assertEquals(2, batches.size());
        SaveEntriesQueue.Batch first = batches.get(0);
        assertEquals(List.of(0, 11), List.of(first.from(), first.to()));
        assertEquals(10, first.changes().size());
        assertEquals(List.of(0, 1, 2, 4, 5, 6, 7, 8, 9, 10), first.positions());
        assertEquals(1, first.skippedBefore(first.to()));
        assertEquals(0, first.skippedBefore(3));
        assertEquals(1, first.skippedBefore(4));
        assertEquals(
                List.of(11, 13), List.of(batches.get(1).from(), batches.get(1).to()));
    }

    @Test
    void aBatchEndsBeforeTheMessageThatWouldTakeItOverTheByteLimit() {
        List<Optional<EntryChange>> kept =
                List.of(Optional.of(change(0, 400)), Optional.of(change(1, 400)), Optional.of(change(2, 400)));
        List<SaveEntriesQueue.Batch> batches = queue.batches(kept);
        assertEquals(
                List.of(2, 1),
                batches.stream().map(batch -> batch.changes().size()).toList());
    }

    @Test
    void recordsThatAreAllSkippedStillMakeABatchSoTheCheckpointMovesPastThem() {
        List<SaveEntriesQueue.Batch> batches = queue.batches(List.of(Optional.empty(), Optional.empty()));
        assertEquals(1, batches.size());
        assertEquals(List.of(), batches.get(0).changes());
        assertEquals(2, batches.get(0).skippedBefore(batches.get(0).to()));
        assertEquals(List.of(), queue.batches(List.of()));
    }

    private static EntryChange change(int index, int bodyBytes) {
        return new EntryChange("INSERT", "x".repeat(bodyBytes), null, String.valueOf(index));
    }
}
