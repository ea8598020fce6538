package regworkers.platform;

import java.time.Duration;

/** A batching worker's batches: up to {@code batch-size} messages, or what came within {@code batch-wait}. */
public interface BatchConfig {

    int batchSize();

    Duration batchWait();
}
