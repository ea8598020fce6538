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
    /** Exchange property: the envelope read off a sendData queue ({@link DataEnvelope}). */
    public static final String ENVELOPE = "regworkers.dataEnvelope";
    /** Exchange property: the envelope id. */
    public static final String EVENT_ID = "regworkers.eventId";

    public static final String SOURCE = "reg-workers";

    @Inject
    DataConfig config;

    @Inject
    ObjectMapper json;

    /** processData: a {type, data} event becomes the envelope {id, type, occurredAt, source, data}, as JSON. */
    public String toEnvelope(Exchange exchange) throws JsonProcessingException {
        DataEvent event = DataEvent.read(json, exchange.getMessage().getBody(String.class), config);
        String type = event.type();
        JsonNode data = event.data();
        QueueMessage message = QueueMessage.of(exchange);
        String id = message != null
                ? UUID.nameUUIDFromBytes(("processData:" + message.messageId()).getBytes(StandardCharsets.UTF_8))
                        .toString()
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
        DataEvent.checkSize(encoded, config);
        exchange.setProperty(DATA_TYPE, type);
        exchange.setProperty(EVENT_ID, id);
        return encoded;
    }

    /** sendData: reads an envelope off a sendData-{type} queue; its type must be the queue's. The body stays as it came. */
    public String readEnvelope(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        DataEnvelope envelope = DataEnvelope.read(json, body, config);
        String queueType = exchange.getProperty(QUEUE_TYPE, String.class);
        if (queueType != null && !queueType.equals(envelope.type())) {
            throw new PermanentFailure(
                    "UNKNOWN_TYPE",
                    "envelope of type '" + envelope.type() + "' on the queue of type '" + queueType + "'");
        }
        exchange.setProperty(ENVELOPE, envelope);
        exchange.setProperty(DATA_TYPE, envelope.type());
        exchange.setProperty(EVENT_ID, envelope.id());
        return body;
    }

    /** sendData: the Kafka record value {type, data}; the key is data.campaignId. */
    public String toKafkaValue(Exchange exchange) throws JsonProcessingException {
        DataEnvelope envelope = exchange.getProperty(ENVELOPE, DataEnvelope.class);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("type", envelope.type());
        value.put("data", envelope.data());
        return json.writeValueAsString(value);
    }

    public String kafkaKey(Exchange exchange) {
        JsonNode campaignId =
                exchange.getProperty(ENVELOPE, DataEnvelope.class).data().path("campaignId");
        if (!campaignId.isTextual() || campaignId.asText().isBlank()) {
            throw new PermanentFailure("MISSING_FIELD", "field 'data.campaignId' is required: it is the Kafka key");
        }
        WorkerSpans.campaign(exchange, campaignId.asText());
        return campaignId.asText();
    }

    public List<String> dataTypes() {
        return config.types();
    }
}
