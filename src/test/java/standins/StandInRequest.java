package standins;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** A request as a stand-in handler sees it: path parameters resolved, query decoded, body parsed. */
record StandInRequest(Map<String, String> pathParameters, Map<String, String> query, JsonNode body) {

    String pathParameter(String name) {
        return pathParameters.get(name);
    }

    /** The body, which admin operations (not checked against a contract) require. */
    JsonNode requiredBody() {
        if (body == null || !body.isObject()) {
            throw HttpError.badRequest("a JSON object body is required");
        }
        return body;
    }

    String text(String field) {
        JsonNode value = requiredBody().path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw HttpError.badRequest(field + " must be a non-empty string");
        }
        return value.asText();
    }

    int integer(String field) {
        JsonNode value = requiredBody().path(field);
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            throw HttpError.badRequest(field + " must be a non-negative integer");
        }
        return value.asInt();
    }
}
