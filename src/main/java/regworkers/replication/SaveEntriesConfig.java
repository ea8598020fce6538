package regworkers.replication;

import io.smallrye.config.ConfigMapping;
import regworkers.platform.BatchConfig;

/** saveEntries' batches per campaign ({@code save-entries.batch-size}, {@code save-entries.batch-wait}). */
@ConfigMapping(prefix = "save-entries")
public interface SaveEntriesConfig extends BatchConfig {}
