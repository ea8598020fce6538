package regworkers.datapipeline;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import regworkers.platform.PermanentFailure;
import regworkers.platform.QueueMessage;
import regworkers.platform.WorkerSpans;

/**
 * The rules of the data pipeline: what a data event is, the envelope processData publishes, and the Kafka record
 * sendData produces. Everything here is a plain function of its input, so redelivering a message yields the same
 * envelope (same id, same occurredAt): downstream consumers can de-duplicate on the envelope id.
 */
@ApplicationScoped
@Named("dataEvents")
public class DataEvents {

    /** Exchange property: the data type of the event being worked on. */
    public static final String DATA_TYPE = "regworkers.dataType";
    /** Exchange property: the data type a sendData-{type} queue carries. */
    public static final String QUEUE_TYPE = "regworkers.queueType";
    /** Exchange property: the envelope id. */
    public static final String EVENT_ID = "regworkers.eventId";
    public static final String SOURCE = "reg-workers";

    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "data.types")
    List<String> dataTypes;
    @ConfigProperty(name = "data.max-payload-bytes")
    int maxPayloadBytes;

    /** processData: a {type, data} event becomes the envelope {id, type, occurredAt, source, data}, as JSON. */
    public String toEnvelope(Exchange exchange) throws JsonProcessingException {
        JsonNode event = parseObject(exchange.getMessage().getBody(String.class));
        String type = knownType(event.get("type"));
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            throw new PermanentFailure("MISSING_FIELD", "field 'data' must be a JSON object");
        }
        QueueMessage message = QueueMessage.of(exchange);
        String id = message != null
                ? UUID.nameUUIDFromBytes(("processData:" + message.messageId()).getBytes(StandardCharsets.UTF_8)).toString()
                : UUID.randomUUID().toString();
        Instant occurredAt = message != null ? Instant.ofEpochMilli(message.sentTimestamp()) : Instant.now();

        ObjectNode envelope = json.createObjectNode();
        envelope.put("id", id);
        envelope.put("type", type);
        envelope.put("occurredAt", occurredAt.toString());
        envelope.put("source", SOURCE);
        envelope.set("data", data);
        if (data.path("campaignId").isTextual()) {
            WorkerSpans.campaign(exchange, data.get("campaignId").asText());
        }
        String encoded = json.writeValueAsString(envelope);
        checkSize(encoded);
        exchange.setProperty(DATA_TYPE, type);
        exchange.setProperty(EVENT_ID, id);
        return encoded;
    }

    /** sendData: reads an envelope off a sendData-{type} queue; its type must be the queue's. */
    public String readEnvelope(Exchange exchange) throws JsonProcessingException {
        String body = exchange.getMessage().getBody(String.class);
        JsonNode envelope = parseObject(body);
        String type = knownType(envelope.get("type"));
        String queueType = exchange.getProperty(QUEUE_TYPE, String.class);
        if (queueType != null && !queueType.equals(type)) {
            throw new PermanentFailure("UNKNOWN_TYPE", "envelope of type '" + type + "' on the queue of type '" + queueType + "'");
        }
        exchange.setProperty(DATA_TYPE, type);
        exchange.setProperty(EVENT_ID, envelope.path("id").asText(null));
        return body;
    }

    /** sendData: the Kafka record value {type, data}; the key is data.campaignId. */
    public String toKafkaValue(Exchange exchange) throws JsonProcessingException {
        JsonNode envelope = json.readTree(exchange.getMessage().getBody(String.class));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("type", envelope.get("type").asText());
        value.put("data", envelope.get("data"));
        return json.writeValueAsString(value);
    }

    public String kafkaKey(Exchange exchange) throws JsonProcessingException {
        JsonNode campaignId = json.readTree(exchange.getMessage().getBody(String.class)).path("data").path("campaignId");
        if (!campaignId.isTextual() || campaignId.asText().isBlank()) {
            throw new PermanentFailure("MISSING_FIELD", "field 'data.campaignId' is required: it is the Kafka key");
        }
        WorkerSpans.campaign(exchange, campaignId.asText());
        return campaignId.asText();
    }

    public List<String> dataTypes() {
        return dataTypes;
    }

    private JsonNode parseObject(String body) throws JsonProcessingException {
        if (body == null || body.isBlank()) {
            throw new PermanentFailure("MALFORMED_JSON", "the message body is empty");
        }
        checkSize(body);
        JsonNode node = json.readTree(body);
        if (node == null || !node.isObject()) {
            throw new PermanentFailure("MALFORMED_JSON", "the message body must be a JSON object");
        }
        return node;
    }

    private String knownType(JsonNode type) {
        if (type == null || !type.isTextual()) {
            throw new PermanentFailure("MISSING_FIELD", "field 'type' must be a string, one of " + dataTypes);
        }
        if (!dataTypes.contains(type.asText())) {
            throw new PermanentFailure("UNKNOWN_TYPE", "unknown data type '" + type.asText() + "'; known types: " + dataTypes);
        }
        return type.asText();
    }

    private void checkSize(String payload) {
        int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxPayloadBytes) {
            throw new PermanentFailure("PAYLOAD_TOO_LARGE", "payload of " + bytes + " bytes exceeds the limit of " + maxPayloadBytes);
        }
    }
}
