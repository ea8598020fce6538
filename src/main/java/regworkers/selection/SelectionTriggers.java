package regworkers.selection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import regworkers.platform.Correlation;
import regworkers.platform.Failures;
import regworkers.platform.WorkerLog;

/**
 * The selection stack's HTTP triggers (what a Step Functions HTTP task calls): an API key in {@code x-api-key}
 * (an EventBridge connection's API-key auth), and answers that tell the caller whether to retry: 400 for a request
 * that can never succeed, 401 for a wrong key, 409 while another invocation selects the market, 503 for a downstream
 * failure worth retrying.
 */
@ApplicationScoped
@Named("selectionTriggers")
public class SelectionTriggers {

    private static final WorkerLog LOG = WorkerLog.of(SelectionTriggers.class);

    static final String API_KEY_HEADER = "x-api-key";

    @Inject
    SelectionConfig config;

    @Inject
    ObjectMapper json;

    public void authorize(Exchange exchange) {
        String given = exchange.getMessage().getHeader(API_KEY_HEADER, String.class);
        exchange.getMessage().removeHeader(API_KEY_HEADER);
        String expected = config.trigger().apiKey().orElse("");
        if (given == null
                || expected.isBlank()
                || !MessageDigest.isEqual(
                        given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            throw new Unauthorized();
        }
    }

    public String ok(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        return exchange.getMessage().getBody(String.class);
    }

    public String failed(Exchange exchange) throws JsonProcessingException {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String error;
        if (failure instanceof Unauthorized) {
            status = 401;
            error = "UNAUTHORIZED";
        } else if (Failures.find(failure, SelectionInProgress.class) != null) {
            status = 409;
            error = "SELECTION_IN_PROGRESS";
        } else if (Failures.isPermanent(failure)) {
            status = "MARKET_NOT_FOUND".equals(Failures.reason(failure)) ? 404 : 400;
            error = Failures.reason(failure);
        } else {
            status = 503;
            error = "SELECTION_FAILED";
        }
        String message = failure instanceof Unauthorized ? failure.getMessage() : Failures.describe(failure);
        LOG.warn("Selection request failed", Map.of("status", status, "error", error, "problem", message));
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (status == 409 || status == 503) {
            exchange.getMessage().setHeader("Retry-After", "5");
        }
        return json.writeValueAsString(
                Map.of("error", error, "message", message, "correlationId", Correlation.of(exchange)));
    }

    static final class Unauthorized extends RuntimeException {
        Unauthorized() {
            super("missing or wrong " + API_KEY_HEADER);
        }
    }
}
