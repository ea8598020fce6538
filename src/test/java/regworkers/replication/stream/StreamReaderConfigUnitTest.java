package regworkers.replication.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

/** replication.stream.* as the reader gets it, and the values that stop the start. */
class StreamReaderConfigUnitTest {

    @Test
    void theMappingBecomesTheReadersConfiguration() {
        StreamReaderConfig config = StreamReaderConfig.of(
                settings(Duration.ofSeconds(1), ShardIteratorType.LATEST, 500),
                "demand-table",
                "reg-workers-leases",
                "enqueueEntries",
                "saveEntriesQueue",
                "-dlq");
        assertEquals(
                new StreamReaderConfig(
                        "demand-table",
                        "reg-workers-leases",
                        "enqueueEntries",
                        "saveEntriesQueue",
                        Duration.ofSeconds(10),
                        500,
                        ShardIteratorType.LATEST,
                        5,
                        262_144,
                        200_000,
                        "-dlq"),
                config);
    }

    @Test
    void aPollIntervalThatIsNotPositiveStopsTheStart() {
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class,
                () -> StreamReaderConfig.of(
                        settings(Duration.ZERO, ShardIteratorType.TRIM_HORIZON, 500), "t", "l", "c", "q", "-dlq"));
        assertTrue(refused.getMessage().contains("replication.stream.poll-interval"), refused.getMessage());
    }

    @Test
    void anInitialPositionOtherThanTrimHorizonOrLatestAndNoRecordsPerShardStopTheStart() {
        assertThrows(
                IllegalArgumentException.class,
                () -> StreamReaderConfig.of(
                        settings(Duration.ofSeconds(1), ShardIteratorType.AT_SEQUENCE_NUMBER, 500),
                        "t",
                        "l",
                        "c",
                        "q",
                        "-dlq"));
        assertThrows(
                IllegalArgumentException.class,
                () -> StreamReaderConfig.of(
                        settings(Duration.ofSeconds(1), ShardIteratorType.TRIM_HORIZON, 0),
                        "t",
                        "l",
                        "c",
                        "q",
                        "-dlq"));
    }

    private static ReplicationStreamConfig settings(
            Duration pollInterval, ShardIteratorType initialPosition, int maxRecordsPerShard) {
        return new ReplicationStreamConfig() {
            public Duration pollInterval() {
                return pollInterval;
            }

            public int maxRecordsPerShard() {
                return maxRecordsPerShard;
            }

            public Duration leaseDuration() {
                return Duration.ofSeconds(10);
            }

            public ShardIteratorType initialPosition() {
                return initialPosition;
            }

            public int discoverShardsEveryPolls() {
                return 5;
            }

            public int maxBatchBytes() {
                return 262_144;
            }

            public int maxMessageBytes() {
                return 200_000;
            }
        };
    }
}
