package regworkers.replication.stream;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import regworkers.platform.Correlation;
import regworkers.platform.Failures;
import regworkers.platform.PiiRedactionFilter;
import regworkers.platform.QueueContract;
import regworkers.platform.QueueUrls;
import regworkers.platform.SqsAttributes;
import regworkers.platform.WorkerLog;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
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

    private static final WorkerLog LOG = WorkerLog.of(SaveEntriesQueue.class);

    public static final int MAX_MESSAGES = 10;
    /** The stream position of a dead-lettered record, as message attributes. */
    public static final String SHARD_ID = "shardId";

    public static final String SEQUENCE_NUMBER = "sequenceNumber";

    /**
     * {@code refused}: the indexes in the batch of the messages SQS did not take, ascending; {@code refusedForGood}
     * those among them SQS refused for the message itself (sender fault: its contents, its size), which sending
     * again cannot change.
     */
    public record Sent(int delivered, List<Integer> refused, List<Integer> refusedForGood, String error) {}

    /** What became of a message SQS refused for good. */
    public enum Rescue {
        SENT_AS_KEYS,
        DEAD_LETTERED,
        NOT_YET
    }

    /**
     * Records {@code [from, to)} of a read and the messages of those kept among them ({@code changes}), with their
     * positions in the read; the others are skipped.
     */
    public record Batch(int from, int to, List<EntryChange> changes, List<Integer> positions) {

        /** How many records of the batch before {@code record} were skipped. */
        public int skippedBefore(int record) {
            return record
                    - from
                    - (int) positions.stream()
                            .filter(position -> position < record)
                            .count();
        }
    }

    /**
     * A batch of a shard's records as SQS took it: {@code sent} the SendMessageBatch, then of the messages refused for
     * good in front of {@code firstWaiting}, those {@code sentAsKeys} and those {@code deadLettered}. {@code
     * firstWaiting}: the index of the first refused message still waiting (SQS could not take it now), -1 when none is.
     */
    public record ShardBatchSent(Sent sent, int sentAsKeys, int deadLettered, int firstWaiting) {}

    private final SqsClient sqs;
    private final String queue;
    private final int maxBatchBytes;
    private final String deadLetterSuffix;
    private final QueueUrls urls;

    /** {@code queue} is a queue name, or a queue URL (starts with http); its dead-letter queue has the suffix. */
    public SaveEntriesQueue(SqsClient sqs, String queue, int maxBatchBytes, String deadLetterSuffix) {
        this.sqs = sqs;
        this.urls = new QueueUrls(sqs);
        this.queue = queue;
        this.maxBatchBytes = maxBatchBytes;
        this.deadLetterSuffix = deadLetterSuffix;
    }

    /** Whether {@code next} may join {@code batch}. A batch always takes its first message. */
    public boolean fits(List<EntryChange> batch, EntryChange next) {
        if (batch.isEmpty()) {
            return true;
        }
        return batch.size() < MAX_MESSAGES
                && batch.stream().mapToInt(EntryChange::sizeBytes).sum() + next.sizeBytes() <= maxBatchBytes;
    }

    /**
     * The records of a read ({@code kept}: each record's message, empty when it is skipped) in batches of consecutive
     * records whose messages fit one SendMessageBatch.
     */
    public List<Batch> batches(List<Optional<EntryChange>> kept) {
        List<Batch> batches = new ArrayList<>();
        int next = 0;
        while (next < kept.size()) {
            List<EntryChange> changes = new ArrayList<>();
            List<Integer> positions = new ArrayList<>();
            int end = next;
            for (; end < kept.size(); end++) {
                Optional<EntryChange> change = kept.get(end);
                if (change.isPresent()) {
                    if (!fits(changes, change.get())) {
                        break;
                    }
                    changes.add(change.get());
                    positions.add(end);
                }
            }
            batches.add(new Batch(next, end, changes, positions));
            next = end;
        }
        return batches;
    }

    /**
     * Sends a batch of {@code shardId}'s records, and the messages SQS refuses for good as their keys only, else to the
     * dead-letter queue, so that no record holds its shard.
     */
    public ShardBatchSent sendRescuing(List<EntryChange> batch, String shardId) {
        Sent sent = send(batch);
        String error = String.valueOf(sent.error());
        int sentAsKeys = 0;
        int deadLettered = 0;
        for (int index : sent.refused()) {
            if (!sent.refusedForGood().contains(index)) {
                return new ShardBatchSent(sent, sentAsKeys, deadLettered, index);
            }
            EntryChange change = batch.get(index);
            Rescue rescue = rescue(change, shardId, error);
            Map<String, Object> data =
                    Map.of("shardId", shardId, "sequenceNumber", change.sequenceNumber(), "error", error);
            switch (rescue) {
                case SENT_AS_KEYS -> {
                    sentAsKeys++;
                    LOG.warn(
                            "saveEntriesQueue refused a stream record: sent as its entry's keys (saveEntries re-reads the item)",
                            data);
                }
                case DEAD_LETTERED -> {
                    deadLettered++;
                    LOG.error(
                            "saveEntriesQueue refused a stream record for good: parked in its dead-letter queue, the checkpoint "
                                    + "moves past it (README \"Stream records SQS refuses\")",
                            data);
                }
                case NOT_YET -> {
                    return new ShardBatchSent(sent, sentAsKeys, deadLettered, index);
                }
            }
        }
        return new ShardBatchSent(sent, sentAsKeys, deadLettered, -1);
    }

    public Sent send(List<EntryChange> batch) {
        if (batch.isEmpty()) {
            return new Sent(0, List.of(), List.of(), null);
        }
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            EntryChange change = batch.get(i);
            entries.add(SendMessageBatchRequestEntry.builder()
                    .id(String.valueOf(i))
                    .messageBody(change.body())
                    .messageAttributes(attributes(change))
                    .build());
        }
        try {
            SendMessageBatchResponse response =
                    sqs.sendMessageBatch(b -> b.queueUrl(url()).entries(entries));
            if (!response.hasFailed() || response.failed().isEmpty()) {
                return new Sent(batch.size(), List.of(), List.of(), null);
            }
            List<BatchResultErrorEntry> failed = response.failed().stream()
                    .sorted(Comparator.comparingInt(entry -> Integer.parseInt(entry.id())))
                    .toList();
            BatchResultErrorEntry first = failed.get(0);
            return new Sent(
                    batch.size() - failed.size(),
                    failed.stream().map(entry -> Integer.parseInt(entry.id())).toList(),
                    failed.stream()
                            .filter(entry -> Boolean.TRUE.equals(entry.senderFault()))
                            .map(entry -> Integer.parseInt(entry.id()))
                            .toList(),
                    first.code() + (first.message() == null ? "" : ": " + first.message()));
        } catch (SdkException e) {
            if (e instanceof QueueDoesNotExistException) {
                urls.forget(queue);
            }
            return new Sent(
                    0,
                    IntStream.range(0, batch.size()).boxed().toList(),
                    List.of(),
                    e.getClass().getSimpleName() + ": " + Failures.describe(e));
        }
    }

    /**
     * A message SQS refused for good: sent again as its keys only (saveEntries re-reads the item), else parked in the
     * dead-letter queue with the stream position and the reason, so the shard's checkpoint can move past it.
     * {@link Rescue#NOT_YET} when SQS could not be reached: the record stays before the checkpoint.
     */
    public Rescue rescue(EntryChange change, String shardId, String refusal) {
        try {
            if (!change.keysBody().equals(change.body())) {
                try {
                    sqs.sendMessage(b ->
                            b.queueUrl(url()).messageBody(change.keysBody()).messageAttributes(attributes(change)));
                    return Rescue.SENT_AS_KEYS;
                } catch (AwsServiceException refused) {
                    if (!isForGood(refused)) {
                        return Rescue.NOT_YET;
                    }
                    refusal = refused.awsErrorDetails() == null
                            ? refusal
                            : refused.awsErrorDetails().errorCode() + ": " + refused.getMessage();
                }
            }
            Map<String, MessageAttributeValue> attributes = new HashMap<>(attributes(change));
            attributes.put(QueueContract.FAILURE_REASON, SqsAttributes.text("STREAM_RECORD_REFUSED"));
            attributes.put(QueueContract.FAILURE_DETAIL, SqsAttributes.text(PiiRedactionFilter.redact(refusal)));
            attributes.put(QueueContract.FAILED_WORKER, SqsAttributes.text(EnqueueEntries.CONSUMER));
            attributes.put(SHARD_ID, SqsAttributes.text(shardId));
            attributes.put(SEQUENCE_NUMBER, SqsAttributes.text(change.sequenceNumber()));
            sqs.sendMessage(b ->
                    b.queueUrl(deadLetterUrl()).messageBody(change.keysBody()).messageAttributes(attributes));
            return Rescue.DEAD_LETTERED;
        } catch (SdkException unreachable) {
            return Rescue.NOT_YET;
        }
    }

    private static boolean isForGood(AwsServiceException refused) {
        return refused.statusCode() >= 400
                && refused.statusCode() < 500
                && !(refused instanceof QueueDoesNotExistException)
                && refused.statusCode() != 403
                && !refused.isThrottlingException();
    }

    private static Map<String, MessageAttributeValue> attributes(EntryChange change) {
        return change.correlationId() == null
                ? Map.of()
                : Map.of(Correlation.HEADER, SqsAttributes.text(change.correlationId()));
    }

    private String deadLetterUrl() {
        return urls.of(queue + deadLetterSuffix);
    }

    private String url() {
        return urls.of(queue);
    }
}
