package regworkers.replication;

import io.smallrye.config.ConfigMapping;
import regworkers.platform.BatchConfig;

/**
 * saveEntries' batches per campaign ({@code save-entries.batch-size}, {@code save-entries.batch-wait}), and how many
 * entries' replicated marks (one conditional UpdateItem each) are written at once, for all batches together.
 */
@ConfigMapping(prefix = "save-entries")
public interface SaveEntriesConfig extends BatchConfig {

    int marksInFlight();
}
