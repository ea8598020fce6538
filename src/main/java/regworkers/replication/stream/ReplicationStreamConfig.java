package regworkers.replication.stream;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

/**
 * {@code replication.stream.*}: how enqueueEntries polls and reads the demand-table stream (application.properties
 * says why each value is what it is). Read into a {@link StreamReaderConfig} at start-up, which refuses values that
 * make no sense, so a bad one stops the process from starting.
 */
@ConfigMapping(prefix = "replication.stream")
public interface ReplicationStreamConfig {

    /** How often the reader polls; the lease holder renews its lease on each poll. */
    Duration pollInterval();

    /** Records read from one shard per poll at most. */
    int maxRecordsPerShard();

    /** How long the lease holds without renewal; another replica takes over after that. */
    Duration leaseDuration();

    /** Where a shard with neither a checkpoint nor a known parent starts: TRIM_HORIZON or LATEST. */
    ShardIteratorType initialPosition();

    /** How many polls between two DescribeStream (also at once after a shard ended). */
    int discoverShardsEveryPolls();

    /** SQS' limit on a SendMessageBatch payload. */
    int maxBatchBytes();

    /** saveEntriesQueue's MaximumMessageSize: a larger message goes as its entry's keys only. */
    int maxMessageBytes();
}
