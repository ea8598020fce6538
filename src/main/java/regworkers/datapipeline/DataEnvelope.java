package regworkers.datapipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A sendData-{type} message: the envelope {id, type, occurredAt, source, data} processData published. */
public record DataEnvelope(String id, String type, JsonNode data) {

    public static DataEnvelope read(ObjectMapper json, String body, DataConfig config) {
        ObjectNode envelope = DataEvent.readObject(json, body, config, "{id, type, occurredAt, source, data}");
        return new DataEnvelope(
                envelope.path("id").asText(null),
                DataEvent.knownType(envelope.get("type"), config.types()),
                envelope.path("data"));
    }
}
