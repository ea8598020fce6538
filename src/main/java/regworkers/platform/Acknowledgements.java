package regworkers.platform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * Deletes acknowledged messages in DeleteMessageBatch calls of up to 10: a batch leaves when it is full or after
 * {@code queue.ack.flush-interval-ms}. Deleting is the last step of a message whose work is done; a delete that is
 * lost (crash before the flush, a failed entry) only lets the message come back, and its work is idempotent.
 */
@ApplicationScoped
public class Acknowledgements {

    private static final int MAX_BATCH = 10;

    @Inject
    SqsClient sqs;
    @ConfigProperty(name = "queue.ack.flush-interval-ms")
    long flushIntervalMs;

    private final Map<String, List<String>> pendingByQueueUrl = new HashMap<>();
    private ScheduledExecutorService flusher;

    @PostConstruct
    void start() {
        flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "regworkers-ack-flusher");
            thread.setDaemon(true);
            return thread;
        });
        flusher.scheduleWithFixedDelay(this::flushAll, flushIntervalMs, flushIntervalMs, TimeUnit.MILLISECONDS);
    }

    public void delete(String queueUrl, String receiptHandle) {
        List<String> full = null;
        synchronized (pendingByQueueUrl) {
            List<String> pending = pendingByQueueUrl.computeIfAbsent(queueUrl, url -> new ArrayList<>(MAX_BATCH));
            pending.add(receiptHandle);
            if (pending.size() >= MAX_BATCH) {
                full = pendingByQueueUrl.remove(queueUrl);
            }
        }
        if (full != null) {
            send(queueUrl, full);
        }
    }

    @PreDestroy
    void stop() {
        flusher.shutdown();
        flushAll();
    }

    void flushAll() {
        Map<String, List<String>> batches;
        synchronized (pendingByQueueUrl) {
            batches = new HashMap<>(pendingByQueueUrl);
            pendingByQueueUrl.clear();
        }
        batches.forEach(this::send);
    }

    private void send(String queueUrl, List<String> receiptHandles) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(receiptHandles.size());
        for (int i = 0; i < receiptHandles.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i)).receiptHandle(receiptHandles.get(i)).build());
        }
        try {
            DeleteMessageBatchResponse response = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            if (response.hasFailed() && !response.failed().isEmpty()) {
                WorkerLog.warn("Some acknowledged messages were not deleted: they will come back and be redone",
                        Map.of("queueUrl", queueUrl, "failed", response.failed().size(),
                                "code", response.failed().get(0).code()));
            }
        } catch (RuntimeException e) {
            WorkerLog.warn("Acknowledged messages were not deleted: they will come back and be redone",
                    Map.of("queueUrl", queueUrl, "messages", entries.size(), "error", String.valueOf(e.getMessage())));
        }
    }
}
