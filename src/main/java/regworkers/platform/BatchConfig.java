package regworkers.platform;

import java.time.Duration;

/**
 * A batching worker's batches: up to {@code batch-size} messages, or what came within {@code batch-wait}; up to
 * {@code batches-in-flight} of them worked on at once.
 */
public interface BatchConfig {

    int batchSize();

    Duration batchWait();

    int batchesInFlight();
}
