package regworkers.platform;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;

/**
 * One heartbeat for every message this process holds ({@link HeldMessages}): every {@code queue.heartbeat-interval}
 * their visibility is set to {@code queue.visibility-timeout} again, in ChangeMessageVisibilityBatch calls of
 * 10, whether they are in work, waiting for a worker thread, parked in an aggregator or parked while their worker is
 * paused. It also hands back to the queue what was held too long (see {@link HeldMessages}) and can release
 * everything at once (visibility 0), which is what a replica that stops does with what it could not finish.
 */
@Startup
@ApplicationScoped
public class VisibilityHeartbeat {

    private static final WorkerLog LOG = WorkerLog.of(VisibilityHeartbeat.class);

    private static final int MAX_BATCH = 10;

    @Inject
    QueueConfig config;

    @Inject
    SqsClient sqs;

    @Inject
    QueueUrls queueUrls;

    @Inject
    HeldMessages held;

    @Inject
    QueueActivity activity;

    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);

    private final List<Runnable> afterBeat = new ArrayList<>();
    private ScheduledExecutorService beater;
    private volatile boolean lastBeatFailed;

    @Produces
    @Singleton
    static HeldMessages heldMessages(QueueConfig config) {
        return new HeldMessages(config.maxUnsettled(), config.maxHold(), config.visibilityTimeout(), Clock.systemUTC());
    }

    @PostConstruct
    void start() {
        beater = BackgroundThreads.scheduler("regworkers-visibility-heartbeat");
        beater.schedule(this::beatAndReschedule, config.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void beatAndReschedule() {
        try {
            beat();
        } finally {
            if (!beater.isShutdown()) {
                beater.schedule(
                        this::beatAndReschedule,
                        (lastBeatFailed ? RETRY_AFTER_FAILURE : config.heartbeatInterval()).toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * The last heartbeat could not reach SQS: the visibility of held messages may be running out. Consumers do not
     * poll until a heartbeat went through again (tried every second), so that once SQS is back this process first
     * keeps what it holds before it takes more, and another consumer is less likely to receive it again.
     */
    public boolean isFailing() {
        return lastBeatFailed;
    }

    @PreDestroy
    void stop() {
        beater.shutdownNow();
    }

    /** Runs after every beat, on the heartbeat's thread (the queue contract's sweep of parked messages). */
    void afterEachBeat(Runnable task) {
        afterBeat.add(task);
    }

    void beat() {
        try {
            for (HeldMessages.Held overdue : held.takeOverdue()) {
                LOG.warn(
                        "A message was held longer than queue.max-hold without being settled: handed back to its queue",
                        Map.of(
                                "queue",
                                overdue.message().queue(),
                                "messageId",
                                overdue.message().messageId(),
                                "worker",
                                overdue.message().worker()));
                setVisibility(overdue.message().queue(), List.of(overdue), 0);
                activity.count(overdue.message().worker(), "released");
            }
            boolean failed = false;
            for (Map.Entry<String, List<HeldMessages.Held>> queue :
                    held.toKeepInvisible().entrySet()) {
                failed |= !setVisibility(queue.getKey(), queue.getValue(), (int)
                        config.visibilityTimeout().toSeconds());
            }
            if (failed != lastBeatFailed) {
                LOG.log(
                        failed ? Logger.Level.WARN : Logger.Level.INFO,
                        failed
                                ? "SQS does not answer the visibility heartbeat: no more receives until it does"
                                : "SQS answers the visibility heartbeat again",
                        Map.of("held", held.total()));
            }
            lastBeatFailed = failed;
            afterBeat.forEach(Runnable::run);
        } catch (RuntimeException e) {
            LOG.warn("Visibility heartbeat failed: it will try again", Map.of("error", Failures.describe(e)));
        }
    }

    /** Hands back to their queues, visible at once, the held messages that match; answers how many. */
    int release(Predicate<HeldMessages.Held> which) {
        List<HeldMessages.Held> released = held.take(which);
        Map<String, List<HeldMessages.Held>> byQueue = new HashMap<>();
        released.forEach(message -> byQueue.computeIfAbsent(message.message().queue(), q -> new ArrayList<>())
                .add(message));
        byQueue.forEach((queue, messages) -> setVisibility(queue, messages, 0));
        released.forEach(message -> activity.count(message.message().worker(), "released"));
        return released.size();
    }

    /** The messages of {@code batch} whose visibility SQS changed (the entries it did not refuse). */
    private static List<HeldMessages.Held> keptBy(
            List<HeldMessages.Held> batch, ChangeMessageVisibilityBatchResponse response) {
        if (!response.hasFailed() || response.failed().isEmpty()) {
            return batch;
        }
        Set<String> refused = new HashSet<>();
        response.failed().forEach(failed -> refused.add(failed.id()));
        List<HeldMessages.Held> kept = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (!refused.contains(Integer.toString(i))) {
                kept.add(batch.get(i));
            }
        }
        return kept;
    }

    /** Answers false when SQS could not be reached. */
    private boolean setVisibility(String queue, List<HeldMessages.Held> messages, int seconds) {
        boolean reached = true;
        String url = queueUrls.of(queue);
        for (int from = 0; from < messages.size(); from += MAX_BATCH) {
            List<HeldMessages.Held> batch = messages.subList(from, Math.min(messages.size(), from + MAX_BATCH));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(batch.get(i).message().receiptHandle())
                        .visibilityTimeout(seconds)
                        .build());
            }
            try {
                long sentAt = System.currentTimeMillis();
                ChangeMessageVisibilityBatchResponse response =
                        sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries));
                if (seconds > 0) {
                    held.keptInvisible(keptBy(batch, response), sentAt);
                }
                if (response.hasFailed() && !response.failed().isEmpty()) {
                    LOG.log(
                            Logger.Level.DEBUG,
                            "Some held messages could not be kept invisible (already settled or expired)",
                            Map.of(
                                    "queue",
                                    queue,
                                    "failed",
                                    response.failed().size(),
                                    "code",
                                    response.failed().get(0).code()));
                }
            } catch (RuntimeException e) {
                reached = false;
                LOG.log(
                        lastBeatFailed ? Logger.Level.DEBUG : Logger.Level.WARN,
                        "Held messages could not be kept invisible: they may come back before they are settled",
                        Map.of("queue", queue, "messages", batch.size(), "error", Failures.describe(e)));
            }
        }
        return reached;
    }
}
