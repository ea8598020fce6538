package bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** Sends prepared events to a queue with SendMessageBatch of 10 from a few threads, as fast as the queue takes them. */
final class Filler {

    private final SqsClient sqs;
    private final int threads;

    Filler(SqsClient sqs, int threads) {
        this.sqs = sqs;
        this.threads = threads;
    }

    /** {@link #send} in the background; completes with the System.nanoTime at which the last event was accepted. */
    CompletableFuture<Long> sendAsync(String queueUrl, List<RegistrationEvents.Event> events) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                send(queueUrl, events);
                return System.nanoTime();
            } catch (Exception e) {
                throw new IllegalStateException("filling " + queueUrl + " failed", e);
            }
        });
    }

    /** Sends every event; returns when all are accepted. Thread t sends the batches t, t+threads, t+2*threads... */
    void send(String queueUrl, List<RegistrationEvents.Event> events) throws Exception {
        List<List<SendMessageBatchRequestEntry>> batches = new ArrayList<>();
        for (int start = 0; start < events.size(); start += 10) {
            List<SendMessageBatchRequestEntry> batch = new ArrayList<>(10);
            for (int i = start; i < Math.min(events.size(), start + 10); i++) {
                RegistrationEvents.Event event = events.get(i);
                batch.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i - start))
                        .messageBody(event.body())
                        .messageAttributes(Map.of(
                                "correlationId",
                                MessageAttributeValue.builder()
                                        .dataType("String")
                                        .stringValue(event.correlationId())
                                        .build()))
                        .build());
            }
            batches.add(batch);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "bench-filler"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int b = first; b < batches.size(); b += threads) {
                        List<SendMessageBatchRequestEntry> entries = batches.get(b);
                        SendMessageBatchResponse response =
                                sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
                        if (!response.failed().isEmpty()) {
                            throw new IllegalStateException("SendMessageBatch failed for " + response.failed());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
