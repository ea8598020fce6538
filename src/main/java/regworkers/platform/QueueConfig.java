package regworkers.platform;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

/**
 * The queues (SPEC §2) and the contract every queue worker follows ({@code queue.*}; what each setting does:
 * application.properties).
 */
@ConfigMapping(prefix = "queue")
public interface QueueConfig {

    @WithParentName
    Names names();

    int maxReceiveCount();

    String deadLetterSuffix();

    Duration visibilityTimeout();

    int maxMessagesPerPoll();

    Duration waitTime();

    Duration pollDelay();

    int concurrentConsumers();

    int workerThreads();

    int maxUnsettled();

    Duration heartbeatInterval();

    Duration maxHold();

    Duration summaryInterval();

    Depth depth();

    Retry retry();

    Pause pause();

    Shutdown shutdown();

    Ack ack();

    interface Depth {
        Duration sampleInterval();
    }

    interface Retry {
        Duration baseDelay();

        Duration maxDelay();
    }

    interface Pause {
        Duration probeInterval();

        Duration maxProbeInterval();

        int maxRunsPerMessage();
    }

    interface Shutdown {
        Duration drainTimeout();
    }

    interface Ack {
        Duration flushInterval();
    }

    /** The queues' names ({@code queue.<name>}: names, not URLs: the consumers are aws2-sqs endpoints); each dead-letter queue is its name + the suffix. */
    interface Names {

        String upsertUsers();

        String saveEntries();

        String retryScore();

        String saveSelection();

        String markAssignedCodes();

        String processData();

        /** One queue per data type: the prefix + the type. */
        String sendDataPrefix();

        String notification();
    }
}
