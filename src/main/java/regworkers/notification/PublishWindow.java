package regworkers.notification;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import regworkers.platform.DependencyUnavailable;
import regworkers.platform.Worker;

/**
 * The PublishBatch calls of one notificationQueue message as a sliding window: up to {@code size} are in flight, and
 * the next is sent as soon as the oldest is done, so the topic never waits for a whole round. The market's progress
 * moves over the batches that went through in order and is written every {@code checkpointEvery} of them and when the
 * window closes. A failure stops the window: the batches still in flight are waited for, the progress is written up to
 * the batch before the failed one, and the failure is thrown; nothing behind it counts as sent. A crash re-sends at
 * most the batches in flight and those not yet written: {@code size + checkpointEvery - 1} batches.
 *
 * @param <B> a batch
 */
final class PublishWindow<B> {

    /** Where the market stands: moved by each batch that went through in order, written when asked. */
    interface Progress<B> {
        void advance(B sent);

        void save();
    }

    private record InFlight<B>(B batch, CompletableFuture<Void> send, long deadline) {}

    private final int size;
    private final int checkpointEvery;
    private final Duration patience;
    private final Progress<B> progress;
    private final ArrayDeque<InFlight<B>> inFlight;
    private int unsaved;

    /** {@code patience}: how long one batch may take before it counts as failed (the market's claim lasts that long). */
    PublishWindow(int size, int checkpointEvery, Duration patience, Progress<B> progress) {
        if (size < 1 || checkpointEvery < 1) {
            throw new IllegalArgumentException("a publish window needs size >= 1 and checkpointEvery >= 1");
        }
        this.size = size;
        this.checkpointEvery = checkpointEvery;
        this.patience = patience;
        this.progress = progress;
        this.inFlight = new ArrayDeque<>(size);
    }

    /** Sends {@code batch} once the window has room; throws the failure of an earlier batch it had to wait for. */
    void send(B batch, Supplier<CompletableFuture<Void>> publish) {
        while (inFlight.size() >= size) {
            settleOldest();
        }
        inFlight.addLast(new InFlight<>(batch, publish.get(), System.nanoTime() + patience.toNanos()));
    }

    /** Waits for every batch in flight and writes the progress; throws the first failure. */
    void close() {
        while (!inFlight.isEmpty()) {
            settleOldest();
        }
        save();
    }

    private void settleOldest() {
        InFlight<B> oldest = inFlight.removeFirst();
        RuntimeException failure = outcome(oldest);
        if (failure != null) {
            // the later batches may have gone out, but the progress cannot pass the failed one: they are sent again
            while (!inFlight.isEmpty()) {
                outcome(inFlight.removeFirst());
            }
            save();
            throw failure;
        }
        progress.advance(oldest.batch());
        if (++unsaved >= checkpointEvery) {
            save();
        }
    }

    private void save() {
        if (unsaved > 0) {
            progress.save();
            unsaved = 0;
        }
    }

    /** Null when the batch went out; else why not. */
    private static RuntimeException outcome(InFlight<?> batch) {
        try {
            batch.send().get(Math.max(0, batch.deadline() - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException failed) {
            return failed.getCause() instanceof RuntimeException cause
                    ? cause
                    : new IllegalStateException(failed.getCause());
        } catch (TimeoutException late) {
            return new DependencyUnavailable(Worker.Dependency.SNS, "a PublishBatch did not finish in time", late);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return new DependencyUnavailable(
                    Worker.Dependency.SNS, "interrupted while PublishBatch calls were in flight", interrupted);
        }
    }
}
