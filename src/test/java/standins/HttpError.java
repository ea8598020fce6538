package standins;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Ends a request with an error answer {@code {error, detail?}}. */
public final class HttpError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final transient JsonNode detail;

    public HttpError(int status, String error, JsonNode detail) {
        super(detail == null ? error : error + " " + detail);
        this.status = status;
        this.error = error;
        this.detail = detail;
    }

    public static HttpError badRequest(String error) {
        return new HttpError(400, error, null);
    }

    public static HttpError contractViolation(String contract, List<String> violations) {
        ObjectNode detail = Json.object();
        violations.forEach(detail.putArray("violations")::add);
        return new HttpError(400, "request breaks the " + contract + " contract", detail);
    }

    public static HttpError notFound(String error) {
        return new HttpError(404, error, null);
    }

    public static HttpError conflict(String error, JsonNode detail) {
        return new HttpError(409, error, detail);
    }

    public int status() {
        return status;
    }

    StandInResponse toResponse() {
        return StandInResponse.error(status, error, detail);
    }
}
