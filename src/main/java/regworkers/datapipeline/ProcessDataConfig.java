package regworkers.datapipeline;

import io.smallrye.config.ConfigMapping;
import regworkers.platform.BatchConfig;

/** processData's batches: envelopes per SNS PublishBatch call ({@code process-data.*}; SNS takes at most 10). */
@ConfigMapping(prefix = "process-data")
public interface ProcessDataConfig extends BatchConfig {}
