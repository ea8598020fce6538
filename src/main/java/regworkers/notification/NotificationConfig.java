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

    /** PublishBatch calls sent at once; the progress is written once they all went through. */
    int batchesInFlight();
}
