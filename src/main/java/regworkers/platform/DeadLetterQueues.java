package regworkers.platform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * DLQ tooling: list a dead-letter queue's messages with their failure reasons, and redrive them to their source
 * queue (without the failure attributes, with their correlation id) once the cause is fixed.
 */
@ApplicationScoped
@Named("deadLetterQueues")
public class DeadLetterQueues {

    private static final WorkerLog LOG = WorkerLog.of(DeadLetterQueues.class);

    @Inject
    QueueConfig config;

    @Inject
    SqsClient sqs;

    @Inject
    QueueUrls queueUrls;

    /** Peeks at up to {@code max} messages: they are received with a zero visibility timeout, so they stay put. */
    public Object list(Exchange exchange, @Header("queue") String queue, @Header("max") Integer max) {
        String url = deadLetterUrl(queue);
        if (url == null) {
            return WorkerInvocations.problem(
                    exchange, 404, "no dead-letter queue '" + queue + config.deadLetterSuffix() + "'");
        }
        List<Map<String, Object>> messages = new ArrayList<>();
        int limit = max == null ? 10 : Math.max(1, Math.min(max, 10));
        for (Message message : sqs.receiveMessage(b -> b.queueUrl(url)
                        .maxNumberOfMessages(limit)
                        .visibilityTimeout(0)
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                .messages()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("messageId", message.messageId());
            Map<String, String> attributes = new LinkedHashMap<>();
            message.messageAttributes().forEach((key, value) -> attributes.put(key, value.stringValue()));
            item.put("attributes", attributes);
            item.put("body", PiiRedactionFilter.redact(message.body()));
            messages.add(item);
        }
        return Map.of("queue", queue + config.deadLetterSuffix(), "messages", messages);
    }

    /** Moves up to {@code max} messages back to the source queue; each is deleted from the DLQ only once re-sent. */
    public Object redrive(Exchange exchange, @Header("queue") String queue, @Header("max") Integer max) {
        String url = deadLetterUrl(queue);
        if (url == null) {
            return WorkerInvocations.problem(
                    exchange, 404, "no dead-letter queue '" + queue + config.deadLetterSuffix() + "'");
        }
        String sourceUrl = queueUrls.of(queue);
        int limit = max == null ? 1000 : max;
        int moved = 0;
        while (moved < limit) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url)
                            .maxNumberOfMessages(10)
                            .visibilityTimeout(30)
                            .messageAttributeNames("All"))
                    .messages();
            if (batch.isEmpty()) {
                break;
            }
            for (Message message : batch) {
                Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>(message.messageAttributes());
                List.of(
                                QueueContract.FAILURE_REASON,
                                QueueContract.FAILURE_DETAIL,
                                QueueContract.SOURCE_QUEUE,
                                QueueContract.FAILED_WORKER,
                                QueueContract.RECEIVE_COUNT)
                        .forEach(attributes::remove);
                sqs.sendMessage(
                        b -> b.queueUrl(sourceUrl).messageBody(message.body()).messageAttributes(attributes));
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
                moved++;
            }
        }
        LOG.info("Redrove dead-lettered messages", Map.of("queue", queue, "moved", moved));
        return Map.of("queue", queue, "redriven", moved);
    }

    private String deadLetterUrl(String queue) {
        try {
            return queueUrls.of(queue + config.deadLetterSuffix());
        } catch (QueueDoesNotExistException e) {
            return null;
        }
    }
}
