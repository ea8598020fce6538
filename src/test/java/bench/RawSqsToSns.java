package bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The baseline of processData, written directly against the AWS SDK v2: {@code threads} loops ({@link RawSqsLoop}),
 * each ReceiveMessage (10, wait 1 s) -> per message, parse {type, data} with Jackson and wrap it in the envelope {id,
 * type, occurredAt, source, data} -> one PublishBatch of the batch to the topic (attributes type and correlationId) ->
 * DeleteMessageBatch of what SNS took. It does not check the event's size or fields, which the app does.
 */
final class RawSqsToSns extends RawSqsLoop {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SnsClient sns;
    private final String topicArn;

    RawSqsToSns(SqsClient sqs, String queueUrl, SnsClient sns, String topicArn, int threads) {
        super(sqs, queueUrl, true);
        this.sns = sns;
        this.topicArn = topicArn;
        start(threads, "baseline");
    }

    @Override
    protected List<Message> handle(List<Message> messages) throws Exception {
        List<PublishBatchRequestEntry> entries = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            JsonNode event = JSON.readTree(message.body());
            String type = event.path("type").asText();
            ObjectNode envelope = JSON.createObjectNode();
            envelope.put("id", UUID.randomUUID().toString());
            envelope.put("type", type);
            envelope.put("occurredAt", "2024-01-15T10:30:01Z");
            envelope.put("source", "reg-workers");
            envelope.set("data", event.path("data"));
            var carried = message.messageAttributes().get("correlationId");
            String correlationId = carried != null ? carried.stringValue() : message.messageId();
            entries.add(PublishBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .message(JSON.writeValueAsString(envelope))
                    .messageAttributes(Map.of("type", text(type), "correlationId", text(correlationId)))
                    .build());
        }
        PublishBatchResponse published =
                sns.publishBatch(b -> b.topicArn(topicArn).publishBatchRequestEntries(entries));
        List<Message> done = new ArrayList<>(messages.size());
        published.successful().forEach(ok -> done.add(messages.get(Integer.parseInt(ok.id()))));
        if (published.hasFailed() && !published.failed().isEmpty()) {
            fail(new IllegalStateException("PublishBatch refused " + published.failed()));
        }
        return done;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }
}
