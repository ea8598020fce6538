package support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import localstack.LocalStack;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Test access to the stack's SQS queues: send, drain, count. */
public final class Queues {

    private final SqsClient sqs;

    public Queues(LocalStack stack) {
        this.sqs = stack.sqs();
    }

    public String url(String queue) {
        return sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
    }

    public String send(String queue, String body, Map<String, String> attributes) {
        Map<String, MessageAttributeValue> values = new java.util.HashMap<>();
        attributes.forEach((k, v) -> values.put(
                k,
                MessageAttributeValue.builder()
                        .dataType("String")
                        .stringValue(v)
                        .build()));
        return sqs.sendMessage(b -> b.queueUrl(url(queue)).messageBody(body).messageAttributes(values))
                .messageId();
    }

    public String send(String queue, String body) {
        return send(queue, body, Map.of());
    }

    /** Receives and deletes every message that arrives within {@code window}. */
    public List<Message> drain(String queue, Duration window) {
        List<Message> drained = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        String url = url(queue);
        while (System.nanoTime() < deadline) {
            drained.addAll(receiveAndDelete(url));
        }
        return drained;
    }

    /** Receives and deletes until three receives in a row (long polls of 1 s) found nothing. */
    public List<Message> drainUntilEmpty(String queue) {
        List<Message> drained = new ArrayList<>();
        String url = url(queue);
        for (int emptyInARow = 0; emptyInARow < 3; ) {
            List<Message> batch = receiveAndDelete(url);
            emptyInARow = batch.isEmpty() ? emptyInARow + 1 : 0;
            drained.addAll(batch);
        }
        return drained;
    }

    /** One ReceiveMessage (10, long poll 1 s, every attribute), then one DeleteMessageBatch of what came. */
    private List<Message> receiveAndDelete(String url) {
        List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(1)
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                .messages();
        if (!batch.isEmpty()) {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
            for (Message message : batch) {
                entries.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size()))
                        .receiptHandle(message.receiptHandle())
                        .build());
            }
            sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(entries));
        }
        return batch;
    }

    /** Messages visible plus in flight. */
    public int depth(String queue) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url(queue))
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    public void purge(String queue) {
        sqs.purgeQueue(b -> b.queueUrl(url(queue)));
    }

    public static String attribute(Message message, String name) {
        MessageAttributeValue value = message.messageAttributes().get(name);
        return value == null ? null : value.stringValue();
    }
}
