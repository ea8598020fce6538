package regworkers.platform.services;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What a downstream service answered, after retries: any status that is not retryable (2xx, 3xx, 4xx but 429). */
public record ServiceResponse(ServiceRequest request, int status, String body) {

    public boolean isSuccessful() {
        return status >= 200 && status < 300;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    /**
     * This response, when it is a success. A 401/403 means our credentials are refused (not the request's fault:
     * {@link ServiceCredentialsRefused}); any other status means the service refused this request for good.
     */
    public ServiceResponse requireSuccess() {
        if (status == 401 || status == 403) {
            throw new ServiceCredentialsRefused(this);
        }
        if (!isSuccessful()) {
            throw new ServiceRejected(this);
        }
        return this;
    }

    /** The body as JSON; a body that is not JSON is the service's failure ({@link ServiceUnreadable}), never the message's. */
    public JsonNode json(ObjectMapper json) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : json.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new ServiceUnreadable(request, "an empty body", null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ServiceUnreadable(request, "not JSON (" + e.getOriginalMessage() + ")", e);
        }
    }
}
