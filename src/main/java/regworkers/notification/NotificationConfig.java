package regworkers.notification;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** The notification stack ({@code notification.*}; what each setting does: application.properties). */
@ConfigMapping(prefix = "notification")
public interface NotificationConfig {

    /** The cluster namespace of getMarketsToNotify's leader lease. */
    String leaderNamespace();

    Duration scheduleInterval();

    Duration requeueAfter();

    Duration ownerTimeout();

    int batchesPerMessage();

    /** PublishBatch calls in flight at once: the next is sent as soon as the oldest went through. */
    int batchesInFlight();

    /** The progress is written every this many PublishBatch calls that went through in order. */
    int checkpointEvery();
}
