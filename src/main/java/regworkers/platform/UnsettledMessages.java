package regworkers.platform;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The messages each worker has received and not yet settled (acknowledged, retried or dead-lettered), wherever they
 * wait: in the consumer's exchange or parked in an aggregator. Camel's in-flight count sees only the first kind, so a
 * worker that aggregates could otherwise keep polling while its batches queue up, until messages outlive their
 * visibility timeout and come back as duplicates. The consumer therefore waits in {@link #awaitRoom} before it takes a
 * new message while its worker holds {@code queue.max-unsettled} of them (the consumer extends the visibility of the
 * messages it holds meanwhile). A message unsettled for longer than the visibility timeout is no longer this
 * process's (SQS has made it visible again), so it stops counting: a leak cannot stop a consumer for good.
 */
@ApplicationScoped
public class UnsettledMessages {

    @ConfigProperty(name = "queue.max-unsettled")
    int maxUnsettled;
    @ConfigProperty(name = "queue.visibility-timeout-seconds")
    int visibilityTimeoutSeconds;

    Clock clock = Clock.systemUTC();

    private final Map<String, Map<String, Long>> receivedAtByWorker = new ConcurrentHashMap<>();

    @Inject
    UnsettledMessages() {
    }

    UnsettledMessages(int maxUnsettled, int visibilityTimeoutSeconds, Clock clock) {
        this.maxUnsettled = maxUnsettled;
        this.visibilityTimeoutSeconds = visibilityTimeoutSeconds;
        this.clock = clock;
    }

    void received(String worker, String messageId) {
        messages(worker).put(messageId, clock.millis());
    }

    void settled(String worker, String messageId) {
        messages(worker).remove(messageId);
    }

    /** Waits while the worker is full, for at most half the visibility timeout; answers whether it had to wait. */
    boolean awaitRoom(String worker) {
        return awaitRoom(worker, Duration.ofSeconds(visibilityTimeoutSeconds).dividedBy(2));
    }

    /** Waits while the worker is full, until it is below 70 % of the limit again, for at most {@code maxWait}. */
    boolean awaitRoom(String worker, Duration maxWait) {
        if (!isFull(worker)) {
            return false;
        }
        long deadline = clock.millis() + maxWait.toMillis();
        while (!hasRoom(worker) && clock.millis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return true;
    }

    /** The worker holds as many unsettled messages as it may: its consumers should stop polling. */
    boolean isFull(String worker) {
        // the expiry sweep runs only near the limit: this is on every message's path
        return messages(worker).size() >= maxUnsettled && count(worker) >= maxUnsettled;
    }

    /** Below 70 % of the limit: stopped consumers may poll again. */
    boolean hasRoom(String worker) {
        return count(worker) < Math.max(1, maxUnsettled * 7 / 10);
    }

    int count(String worker) {
        Map<String, Long> messages = messages(worker);
        long expired = clock.millis() - Duration.ofSeconds(visibilityTimeoutSeconds).toMillis();
        messages.values().removeIf(receivedAt -> receivedAt < expired);
        return messages.size();
    }

    private Map<String, Long> messages(String worker) {
        return receivedAtByWorker.computeIfAbsent(worker, w -> new ConcurrentHashMap<>());
    }
}
