package regworkers.platform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * Deletes acknowledged messages in DeleteMessageBatch calls of up to 10, on threads of its own: a batch leaves when
 * it is full (several full batches at once) or after {@code queue.ack.flush-interval}. A message stays held (kept invisible by the heartbeat) until its delete went
 * through: a delete that fails because SQS is unreachable or busy is tried again, at most once a second, so an SQS
 * outage does not make finished work come back and be done twice. Only a receipt handle SQS no longer knows (the
 * message came back to another consumer meanwhile) is given up; that message's work is idempotent.
 */
@ApplicationScoped
public class Acknowledgements {

    private static final WorkerLog LOG = WorkerLog.of(Acknowledgements.class);

    private static final int MAX_BATCH = 10;
    private static final long RETRY_AFTER_FAILURE_MS = 1_000;

    @Inject
    QueueConfig config;

    @Inject
    SqsClient sqs;

    @Inject
    HeldMessages held;

    private record Pending(String receiptHandle, QueueMessage message) {}

    private final Map<String, List<Pending>> pendingByQueueUrl = new HashMap<>();
    private final Map<String, List<Pending>> retryByQueueUrl = new HashMap<>();
    private volatile long retryNotBefore;
    private ScheduledExecutorService flusher;
    /**
     * Full batches are sent here, several at once: one thread of deletes fell behind two busy workers, and every
     * finished message waiting for its delete is one that comes back (a duplicate) if the process dies.
     */
    private ExecutorService senders;

    @PostConstruct
    void start() {
        flusher = BackgroundThreads.scheduler("regworkers-ack-flusher");
        senders = BackgroundThreads.pool("regworkers-ack-sender");
        flusher.scheduleWithFixedDelay(
                this::flushAll,
                config.ack().flushInterval().toMillis(),
                config.ack().flushInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Deletes the message soon; it is released from {@link HeldMessages} once SQS confirmed the delete. */
    public void delete(String queueUrl, QueueMessage message) {
        List<Pending> full = null;
        synchronized (pendingByQueueUrl) {
            List<Pending> pending = pendingByQueueUrl.computeIfAbsent(queueUrl, url -> new ArrayList<>(MAX_BATCH));
            pending.add(new Pending(message.receiptHandle(), message));
            if (pending.size() >= MAX_BATCH && System.currentTimeMillis() >= retryNotBefore) {
                full = pendingByQueueUrl.remove(queueUrl);
            }
        }
        if (full != null) {
            // on a sender thread: a batch's worker thread goes on with the next batch meanwhile
            List<Pending> batch = full;
            try {
                senders.execute(() -> send(queueUrl, batch));
            } catch (RejectedExecutionException stopping) {
                send(queueUrl, batch);
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        flusher.shutdown();
        senders.shutdown();
        // the full batches already handed to the senders go first; what fails among them is in the retries below
        long deadline = System.nanoTime() + config.shutdown().drainTimeout().toNanos();
        flusher.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        senders.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        retryNotBefore = 0;
        flushAll();
    }

    void flushAll() {
        if (System.currentTimeMillis() < retryNotBefore) {
            return;
        }
        Map<String, List<Pending>> batches = new HashMap<>();
        synchronized (pendingByQueueUrl) {
            retryByQueueUrl.forEach((url, retries) ->
                    batches.computeIfAbsent(url, u -> new ArrayList<>()).addAll(retries));
            retryByQueueUrl.clear();
            pendingByQueueUrl.forEach((url, pending) ->
                    batches.computeIfAbsent(url, u -> new ArrayList<>()).addAll(pending));
            pendingByQueueUrl.clear();
        }
        batches.forEach((url, pending) -> {
            for (int from = 0; from < pending.size(); from += MAX_BATCH) {
                send(url, pending.subList(from, Math.min(pending.size(), from + MAX_BATCH)));
            }
        });
    }

    private void send(String queueUrl, List<Pending> batch) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder()
                    .id(String.valueOf(i))
                    .receiptHandle(batch.get(i).receiptHandle())
                    .build());
        }
        DeleteMessageBatchResponse response;
        try {
            response = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        } catch (RuntimeException e) {
            retryLater(queueUrl, batch, "SQS did not answer the delete: " + Failures.describe(e));
            return;
        }
        List<Pending> again = new ArrayList<>();
        String code = null;
        for (BatchResultErrorEntry failed :
                response.hasFailed() ? response.failed() : List.<BatchResultErrorEntry>of()) {
            Pending pending = batch.get(Integer.parseInt(failed.id()));
            if (failed.senderFault() && "ReceiptHandleIsInvalid".equals(failed.code())) {
                held.settled(pending.message());
            } else {
                again.add(pending);
                code = failed.code();
            }
        }
        if (response.hasSuccessful()) {
            response.successful()
                    .forEach(ok ->
                            held.settled(batch.get(Integer.parseInt(ok.id())).message()));
        }
        if (!again.isEmpty()) {
            retryLater(queueUrl, again, "SQS refused some deletes: " + code);
        }
    }

    private void retryLater(String queueUrl, List<Pending> batch, String why) {
        boolean first;
        synchronized (pendingByQueueUrl) {
            first = retryNotBefore < System.currentTimeMillis() - RETRY_AFTER_FAILURE_MS;
            retryByQueueUrl.computeIfAbsent(queueUrl, url -> new ArrayList<>()).addAll(batch);
            retryNotBefore = System.currentTimeMillis() + RETRY_AFTER_FAILURE_MS;
        }
        if (first) {
            LOG.warn(
                    "Acknowledged messages not deleted yet: held and tried again",
                    Map.of("queueUrl", queueUrl, "messages", batch.size(), "error", why));
        }
    }
}
