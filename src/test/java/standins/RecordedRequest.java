package standins;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A service request a stand-in received, with the status it answered.
 *
 * @param path the raw path, with {@code ?query} when there was one
 * @param body the raw body, empty when there was none
 */
public record RecordedRequest(String method, String path, String body, int status) {

    /** The body as JSON, or null when it is empty or not JSON. */
    public JsonNode json() {
        if (body.isEmpty()) {
            return null;
        }
        try {
            return Json.parse(body);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
