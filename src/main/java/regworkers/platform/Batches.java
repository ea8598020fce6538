package regworkers.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Per-message truth for work done on a batch of messages at once. */
public final class Batches {

    private Batches() {}

    /**
     * Runs {@code work} on the whole batch and answers one outcome per message. When the whole batch fails for a
     * reason one message can cause (the service refused the request: a permanent failure), it is run again message by
     * message, so only the message the service refuses fails, for its own reason, and its neighbours succeed. Any other
     * failure of the whole batch (a dependency down, a timeout) is every message's outcome: it says nothing about any
     * one of them.
     */
    public static <T extends BatchItem> List<QueueOutcome> settleEach(
            List<T> batch, Function<List<T>, List<QueueOutcome>> work) {
        try {
            return work.apply(batch);
        } catch (RuntimeException failure) {
            if (batch.size() > 1 && Failures.classify(failure) == FailureKind.PERMANENT) {
                List<QueueOutcome> outcomes = new ArrayList<>(batch.size());
                for (T item : batch) {
                    outcomes.addAll(settleEach(List.of(item), work));
                }
                return outcomes;
            }
            List<QueueOutcome> outcomes = new ArrayList<>(batch.size());
            batch.forEach(item -> outcomes.add(QueueOutcome.failed(item.message(), item.correlationId(), failure)));
            return outcomes;
        }
    }

    /**
     * The invoke endpoint's answer for work it ran through the batch path: the first failure among the outcomes is
     * thrown, as the work itself would have thrown it.
     */
    public static void requireSucceeded(List<QueueOutcome> outcomes) {
        for (QueueOutcome outcome : outcomes) {
            if (outcome.failure() instanceof RuntimeException failure) {
                throw failure;
            }
            if (outcome.failure() != null) {
                throw new IllegalStateException(outcome.failure());
            }
        }
    }
}
