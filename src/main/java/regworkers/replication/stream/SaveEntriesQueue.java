package regworkers.replication.stream;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import regworkers.platform.Correlation;
import regworkers.platform.Failures;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * saveEntriesQueue as the stream reader writes it: SendMessageBatch of at most 10 messages and {@code maxBatchBytes}.
 * A send never throws; it says how many messages of the batch SQS took and where the first one it refused is, because
 * the checkpoint may only move up to the record before that one.
 */
public final class SaveEntriesQueue {

    public static final int MAX_MESSAGES = 10;

    /** {@code refused}: the indexes in the batch of the messages SQS did not take, ascending. */
    public record Sent(int delivered, List<Integer> refused, String error) {

        public boolean complete() {
            return refused.isEmpty();
        }

        /** The index of the first message SQS did not take, -1 when it took all. */
        public int firstFailure() {
            return refused.isEmpty() ? -1 : refused.get(0);
        }
    }

    private final SqsClient sqs;
    private final String queue;
    private final int maxBatchBytes;
    private volatile String url;

    /** {@code queue} is a queue name, or a queue URL (starts with http). */
    public SaveEntriesQueue(SqsClient sqs, String queue, int maxBatchBytes) {
        this.sqs = sqs;
        this.queue = queue;
        this.maxBatchBytes = maxBatchBytes;
    }

    /** Whether {@code next} may join {@code batch}. A batch always takes its first message. */
    public boolean fits(List<EntryChange> batch, EntryChange next) {
        if (batch.isEmpty()) {
            return true;
        }
        return batch.size() < MAX_MESSAGES
                && batch.stream().mapToInt(EntryChange::sizeBytes).sum() + next.sizeBytes() <= maxBatchBytes;
    }

    public Sent send(List<EntryChange> batch) {
        if (batch.isEmpty()) {
            return new Sent(0, List.of(), null);
        }
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            EntryChange change = batch.get(i);
            SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder().id(String.valueOf(i)).messageBody(change.body());
            if (change.correlationId() != null) {
                entry.messageAttributes(Map.of(Correlation.HEADER,
                        MessageAttributeValue.builder().dataType("String").stringValue(change.correlationId()).build()));
            }
            entries.add(entry.build());
        }
        try {
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(url()).entries(entries));
            if (!response.hasFailed() || response.failed().isEmpty()) {
                return new Sent(batch.size(), List.of(), null);
            }
            List<BatchResultErrorEntry> failed = response.failed().stream()
                    .sorted(Comparator.comparingInt(entry -> Integer.parseInt(entry.id()))).toList();
            BatchResultErrorEntry first = failed.get(0);
            return new Sent(batch.size() - failed.size(), failed.stream().map(entry -> Integer.parseInt(entry.id())).toList(),
                    first.code() + (first.message() == null ? "" : ": " + first.message()));
        } catch (SdkException e) {
            if (e instanceof QueueDoesNotExistException) {
                url = null;
            }
            return new Sent(0, IntStream.range(0, batch.size()).boxed().toList(), e.getClass().getSimpleName() + ": " + Failures.describe(e));
        }
    }

    private String url() {
        String known = url;
        if (known == null) {
            known = queue.startsWith("http://") || queue.startsWith("https://")
                    ? queue
                    : sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
            url = known;
        }
        return known;
    }
}
