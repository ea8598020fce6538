package regworkers.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import regworkers.platform.DependencyUnavailable;

class PublishWindowTest {

    /** What the window did with the market's progress: the batches it counted as sent, and where each save stood. */
    private static final class RecordedProgress implements PublishWindow.Progress<Integer> {
        final List<Integer> advanced = new ArrayList<>();
        final List<Integer> saves = new ArrayList<>();

        @Override
        public void advance(Integer sent) {
            advanced.add(sent);
        }

        @Override
        public void save() {
            saves.add(advanced.size());
        }
    }

    /** Publishes that finish after a random 1–15 ms, each remembered; {@code failing} fails instead. */
    private static final class Publishes {
        final List<CompletableFuture<Void>> sent = new ArrayList<>();
        int mostUnfinishedAtASend;

        CompletableFuture<Void> publish(int batch, int failing) {
            int unfinished = (int) sent.stream().filter(send -> !send.isDone()).count();
            mostUnfinishedAtASend = Math.max(mostUnfinishedAtASend, unfinished);
            Executor later = CompletableFuture.delayedExecutor(
                    ThreadLocalRandom.current().nextInt(1, 16), TimeUnit.MILLISECONDS);
            CompletableFuture<Void> send = batch == failing
                    ? CompletableFuture.runAsync(
                            () -> {
                                throw new IllegalStateException("SNS refused batch " + batch);
                            },
                            later)
                    : CompletableFuture.runAsync(() -> {}, later);
            sent.add(send);
            return send;
        }
    }

    @Test
    void keepsAtMostItsSizeInFlightAndCountsTheBatchesInOrder() {
        RecordedProgress progress = new RecordedProgress();
        Publishes publishes = new Publishes();
        PublishWindow<Integer> window = new PublishWindow<>(4, 8, Duration.ofSeconds(5), progress);

        for (int batch = 0; batch < 40; batch++) {
            int sending = batch;
            window.send(batch, () -> publishes.publish(sending, -1));
        }
        window.close();

        assertEquals(3, publishes.mostUnfinishedAtASend, "the 5th call waits until one of 4 in flight is done");
        assertEquals(IntStream.range(0, 40).boxed().toList(), progress.advanced);
        assertEquals(List.of(8, 16, 24, 32, 40), progress.saves, "written every 8 batches and at the end");
    }

    @Test
    void aFailedBatchStopsTheProgressBeforeItAfterTheOthersInFlightFinished() {
        RecordedProgress progress = new RecordedProgress();
        Publishes publishes = new Publishes();
        PublishWindow<Integer> window = new PublishWindow<>(4, 3, Duration.ofSeconds(5), progress);

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> {
            for (int batch = 0; batch < 20; batch++) {
                int sending = batch;
                window.send(batch, () -> publishes.publish(sending, 5));
            }
            window.close();
        });

        assertEquals("SNS refused batch 5", failure.getMessage());
        assertEquals(List.of(0, 1, 2, 3, 4), progress.advanced, "nothing behind the failed batch counts as sent");
        assertEquals(List.of(3, 5), progress.saves, "the progress up to the failed batch is written before the throw");
        assertTrue(publishes.sent.stream().allMatch(CompletableFuture::isDone), "no call is left running");
        assertEquals(9, publishes.sent.size(), "no batch goes out once the failure is seen");
    }

    @Test
    void aBatchThatOutlastsItsPatienceIsTheTopicsFailure() {
        RecordedProgress progress = new RecordedProgress();
        PublishWindow<Integer> window = new PublishWindow<>(2, 8, Duration.ofMillis(50), progress);
        CompletableFuture<Void> hung = new CompletableFuture<>();

        window.send(0, () -> CompletableFuture.completedFuture(null));
        window.send(1, () -> hung);
        DependencyUnavailable late = assertThrows(DependencyUnavailable.class, window::close);

        assertTrue(late.getMessage().contains("did not finish in time"), late.getMessage());
        assertEquals(List.of(0), progress.advanced);
        assertEquals(List.of(1), progress.saves);
    }

    @Test
    void closingWithNothingSentWritesNothing() {
        RecordedProgress progress = new RecordedProgress();
        new PublishWindow<Integer>(4, 8, Duration.ofSeconds(1), progress).close();
        assertEquals(List.of(), progress.saves);
    }
}
