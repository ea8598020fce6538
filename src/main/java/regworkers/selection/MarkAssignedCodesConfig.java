package regworkers.selection;

import io.smallrye.config.ConfigMapping;
import regworkers.platform.BatchConfig;

/** markAssignedCodes' batches per (campaign, market) ({@code mark-assigned-codes.batch-size}, {@code mark-assigned-codes.batch-wait}). */
@ConfigMapping(prefix = "mark-assigned-codes")
public interface MarkAssignedCodesConfig extends BatchConfig {}
