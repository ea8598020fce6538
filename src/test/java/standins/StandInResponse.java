package standins;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a stand-in answers: a status, an optional JSON body and extra headers. */
record StandInResponse(int status, JsonNode body, Map<String, String> headers) {

    static StandInResponse ok(Object body) {
        return new StandInResponse(200, Json.MAPPER.valueToTree(body), Map.of());
    }

    /** A page that is not the contract's JSON (a maintenance page in front of the service). */
    static StandInResponse html(String page) {
        return new StandInResponse(200, Json.MAPPER.getNodeFactory().textNode(page), Map.of());
    }

    static StandInResponse noContent() {
        return new StandInResponse(204, null, Map.of());
    }

    static StandInResponse error(int status, String error, JsonNode detail) {
        ObjectNode body = Json.object().put("error", error);
        if (detail != null) {
            body.set("detail", detail);
        }
        return new StandInResponse(status, body, Map.of());
    }

    StandInResponse withHeader(String name, String value) {
        return new StandInResponse(status, body, Map.of(name, value));
    }
}
