package regworkers.platform;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Every message this process has received and not yet settled (acknowledged, sent back with a backoff, released or
 * dead-lettered), wherever it waits: in work, queued for a worker thread, parked in an aggregator, or parked while its
 * worker is paused. {@link VisibilityHeartbeat} keeps all of them invisible, so none is redelivered while this process
 * still holds it; the count per worker is what the consumers' poll gate limits ({@code queue.max-unsettled}).
 *
 * <p>A held message that is not parked and has been held longer than {@code queue.max-hold} is taken for lost by its
 * route (a bug, not an outage) and handed back to the queue, so a leak can neither stop a consumer nor hide a message
 * for ever. Parked messages are held for as long as their worker's pause lasts.
 */
public class HeldMessages {

    /** A held message and what is needed to run it again in this process: its route and the consumer's headers. */
    public static final class Held {
        private final QueueMessage message;
        private final String routeId;
        private final Map<String, Object> headers;
        private final long heldSince;
        /** until when SQS keeps it invisible, as far as this process knows (receive, then each heartbeat) */
        private volatile long invisibleUntil;

        private volatile boolean parked;
        private int failedRunsWhileOthersSucceeded;
        private long workerSuccessesAtLastFailure = -1;

        Held(QueueMessage message, String routeId, Map<String, Object> headers, long heldSince, long invisibleUntil) {
            this.message = message;
            this.routeId = routeId;
            this.headers = headers;
            this.heldSince = heldSince;
            this.invisibleUntil = invisibleUntil;
        }

        public QueueMessage message() {
            return message;
        }

        public String routeId() {
            return routeId;
        }

        public Map<String, Object> headers() {
            return headers;
        }

        public boolean parked() {
            return parked;
        }
    }

    /**
     * A message whose invisibility ends within this margin is no longer worked on: work started now might still run
     * when SQS hands the message to another consumer.
     */
    static final Duration LAPSE_MARGIN = Duration.ofSeconds(5);

    private final int maxUnsettled;
    private final Duration maxHold;
    private final Duration visibilityTimeout;
    private final Clock clock;
    private final Map<String, Held> byMessageId = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> countByWorker = new ConcurrentHashMap<>();

    public HeldMessages(int maxUnsettled, Duration maxHold, Duration visibilityTimeout, Clock clock) {
        this.maxUnsettled = maxUnsettled;
        this.maxHold = maxHold;
        this.visibilityTimeout = visibilityTimeout;
        this.clock = clock;
    }

    /**
     * Holds a message from the moment it is received; answers false when it was held already (a parked message run
     * again), which keeps it parked no longer.
     */
    public boolean hold(QueueMessage message, String routeId, Map<String, Object> headers) {
        Held existing = byMessageId.get(message.messageId());
        if (existing != null) {
            existing.parked = false;
            return false;
        }
        long now = clock.millis();
        Held held = new Held(message, routeId, new HashMap<>(headers), now, now + visibilityTimeout.toMillis());
        if (byMessageId.putIfAbsent(message.messageId(), held) == null) {
            counter(message.worker()).incrementAndGet();
            return true;
        }
        return false;
    }

    /** The message is no longer this process's: settled, sent back or released. */
    public void settled(QueueMessage message) {
        if (byMessageId.remove(message.messageId()) != null) {
            counter(message.worker()).decrementAndGet();
        }
    }

    /**
     * Parks a held message until its worker resumes. Answers how many of its runs failed on a dependency while other
     * messages of its worker succeeded in between: a dependency that fails for everyone says nothing about this
     * message, one that fails only for it does. {@code workerSuccesses} is the worker's count of acknowledged messages
     * now; {@code failedRun} is false when the message was parked on arrival at a paused worker, without being run.
     */
    public int park(QueueMessage message, boolean failedRun, long workerSuccesses) {
        Held held = byMessageId.get(message.messageId());
        if (held == null) {
            return 0;
        }
        synchronized (held) {
            held.parked = true;
            if (failedRun) {
                if (held.workerSuccessesAtLastFailure >= 0 && workerSuccesses > held.workerSuccessesAtLastFailure) {
                    held.failedRunsWhileOthersSucceeded++;
                }
                held.workerSuccessesAtLastFailure = workerSuccesses;
            }
            return held.failedRunsWhileOthersSucceeded;
        }
    }

    /** Takes every parked message of the worker out of the parking (each is then run again by {@code each}). */
    public void unpark(String worker, Consumer<Held> each) {
        for (Held held : byMessageId.values()) {
            if (held.parked && held.message.worker().equals(worker)) {
                synchronized (held) {
                    if (!held.parked) {
                        continue;
                    }
                    held.parked = false;
                }
                each.accept(held);
            }
        }
    }

    public int count(String worker) {
        AtomicInteger count = countByWorker.get(worker);
        return count == null ? 0 : count.get();
    }

    public int total() {
        return byMessageId.size();
    }

    public int parkedCount(String worker) {
        return (int) byMessageId.values().stream()
                .filter(held -> held.parked && held.message.worker().equals(worker))
                .count();
    }

    /** The worker holds as many messages as it may: its consumers do not poll. */
    public boolean isFull(String worker) {
        return count(worker) >= maxUnsettled;
    }

    /**
     * SQS confirmed that these messages stay invisible for the visibility timeout from {@code since}, when the request
     * was sent. A message whose invisibility had already run out by then is not renewed: SQS may have handed it to
     * another consumer meanwhile (an SQS endpoint that stalled may still accept the old receipt handle), so it stays
     * lapsed and is forgotten before this process works on it.
     */
    void keptInvisible(List<Held> messages, long since) {
        long until = since + visibilityTimeout.toMillis();
        for (Held held : messages) {
            if (since < held.invisibleUntil && until > held.invisibleUntil) {
                held.invisibleUntil = until;
            }
        }
    }

    /**
     * Forgets a held message whose invisibility has run out, or is about to, because the heartbeat could not reach SQS
     * (an SQS outage, a frozen process): SQS may hand it to another consumer now, so this process must not work on it.
     * It is neither deleted nor handed back; whoever receives it next does the work. Answers whether it was forgotten.
     */
    public boolean forgetIfLapsed(QueueMessage message) {
        Held held = byMessageId.get(message.messageId());
        if (held == null || clock.millis() < held.invisibleUntil - LAPSE_MARGIN.toMillis()) {
            return false;
        }
        if (byMessageId.remove(message.messageId(), held)) {
            counter(message.worker()).decrementAndGet();
        }
        return true;
    }

    /** Every held message, by queue, that should be kept invisible now. */
    Map<String, List<Held>> toKeepInvisible() {
        Map<String, List<Held>> byQueue = new HashMap<>();
        for (Held held : byMessageId.values()) {
            byQueue.computeIfAbsent(held.message.queue(), q -> new ArrayList<>())
                    .add(held);
        }
        return byQueue;
    }

    /** Removes and answers the held messages that are not parked and have been held longer than max-hold. */
    List<Held> takeOverdue() {
        long oldest = clock.millis() - maxHold.toMillis();
        return take(held -> !held.parked && held.heldSince < oldest);
    }

    /** Removes and answers every held message that matches. */
    List<Held> take(Predicate<Held> which) {
        List<Held> taken = new ArrayList<>();
        for (Held held : byMessageId.values()) {
            if (which.test(held) && byMessageId.remove(held.message.messageId(), held)) {
                counter(held.message.worker()).decrementAndGet();
                taken.add(held);
            }
        }
        return taken;
    }

    private AtomicInteger counter(String worker) {
        return countByWorker.computeIfAbsent(worker, w -> new AtomicInteger());
    }
}
