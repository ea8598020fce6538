package regworkers.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reading a message body into its typed record: the one place bodies are parsed and fields required, so every
 * message type refuses bad input the same way: a {@link PermanentFailure} with the type's reason and the field
 * ({@value #MALFORMED_JSON} for a body that is not JSON).
 * A body that can never be read is the message's own fault, never a retry.
 */
public final class JsonMessage {

    /** The reason of a body that is not JSON at all, whatever its type. */
    public static final String MALFORMED_JSON = "MALFORMED_JSON";

    private final ObjectNode node;
    private final String reason;

    private JsonMessage(ObjectNode node, String reason) {
        this.node = node;
        this.reason = reason;
    }

    /** The body as a JSON object; {@code shape} says what it must look like (in the failure's text). */
    public static JsonMessage read(ObjectMapper json, String body, String reason, String shape) {
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new PermanentFailure(
                    MALFORMED_JSON, "the message is not JSON (" + e.getOriginalMessage() + "); it must be " + shape, e);
        }
        if (node == null || !node.isObject()) {
            throw new PermanentFailure(reason, "the message must be a JSON object " + shape);
        }
        return new JsonMessage((ObjectNode) node, reason);
    }

    /** A field that must be a non-blank string. */
    public String text(String field) {
        return optionalText(field).orElseThrow(() -> new PermanentFailure(reason, "field '" + field + "' is required"));
    }

    /** A field that may be absent or null, else must be a non-blank string. */
    private Optional<String> optionalText(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new PermanentFailure(reason, "field '" + field + "' must be a non-empty string");
        }
        return Optional.of(value.asText());
    }

    /** A field that must be an array of 1 to {@code max} non-blank strings. */
    public List<String> texts(String field, int max) {
        JsonNode array = array(field, max, "strings");
        List<String> values = new ArrayList<>(array.size());
        for (JsonNode value : array) {
            if (!value.isTextual() || value.asText().isBlank()) {
                throw new PermanentFailure(reason, "every element of '" + field + "' must be a non-empty string");
            }
            values.add(value.asText());
        }
        return values;
    }

    /** A field that must be an array of 1 to {@code max} JSON objects, each read by the same rules. */
    public List<JsonMessage> objects(String field, int max) {
        JsonNode array = array(field, max, "objects");
        List<JsonMessage> elements = new ArrayList<>(array.size());
        for (JsonNode element : array) {
            if (!element.isObject()) {
                throw new PermanentFailure(reason, "every element of '" + field + "' must be a JSON object");
            }
            elements.add(new JsonMessage((ObjectNode) element, reason));
        }
        return elements;
    }

    private JsonNode array(String field, int max, String ofWhat) {
        JsonNode array = node.get(field);
        if (array == null || !array.isArray() || array.isEmpty() || array.size() > max) {
            throw new PermanentFailure(reason, "field '" + field + "' must be an array of 1 to " + max + " " + ofWhat);
        }
        return array;
    }

    /** A field that must be an integer of at least 1. */
    public int positiveInt(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt() || value.asInt() < 1) {
            throw new PermanentFailure(reason, "field '" + field + "' must be a positive integer");
        }
        return value.asInt();
    }

    /** A field that must be a JSON object. */
    public ObjectNode object(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw new PermanentFailure(reason, "field '" + field + "' must be a JSON object");
        }
        return (ObjectNode) value;
    }

    /** The whole message, for a type that reads more than named fields. */
    public ObjectNode node() {
        return node;
    }

    /** A failure of this message type, for a rule beyond the fields' shapes. */
    public PermanentFailure invalid(String why) {
        return new PermanentFailure(reason, why);
    }
}
