package regworkers.datapipeline;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import regworkers.platform.JsonMessage;
import regworkers.platform.PermanentFailure;

/** A processDataQueue message: {type, data}, the event a worker emits for analytics. */
public record DataEvent(String type, ObjectNode data) {

    public static DataEvent read(ObjectMapper json, String body, DataConfig config) {
        ObjectNode event = readObject(json, body, config, "{type, data}");
        String type = knownType(event.get("type"), config.types());
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            throw new PermanentFailure("MISSING_FIELD", "field 'data' must be a JSON object");
        }
        return new DataEvent(type, (ObjectNode) data);
    }

    /** A body of the pipeline ({@code shape}: what it must look like): within the payload limit, a JSON object. */
    static ObjectNode readObject(ObjectMapper json, String body, DataConfig config, String shape) {
        if (body != null) {
            checkSize(body, config);
        }
        return JsonMessage.read(json, body, JsonMessage.MALFORMED_JSON, shape).node();
    }

    static String knownType(JsonNode type, List<String> types) {
        if (type == null || !type.isTextual()) {
            throw new PermanentFailure("MISSING_FIELD", "field 'type' must be a string, one of " + types);
        }
        if (!types.contains(type.asText())) {
            throw new PermanentFailure(
                    "UNKNOWN_TYPE", "unknown data type '" + type.asText() + "'; known types: " + types);
        }
        return type.asText();
    }

    static void checkSize(String payload, DataConfig config) {
        int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > config.maxPayloadBytes()) {
            throw new PermanentFailure(
                    "PAYLOAD_TOO_LARGE",
                    "payload of " + bytes + " bytes exceeds the limit of " + config.maxPayloadBytes());
        }
    }
}
