package regworkers.registration;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import regworkers.platform.Correlation;
import regworkers.platform.Failures;
import regworkers.platform.Worker;
import regworkers.platform.WorkerSpans;
import regworkers.platform.WorkerLog;

/** The HTTP side of checkEligibility: correlation id in, JSON answers out, one log line per decision (no PII). */
@ApplicationScoped
@Named("eligibilityResponses")
public class EligibilityResponses {

    static final String CORRELATION_HEADER = "x-correlation-id";

    @Inject
    ObjectMapper json;

    /** The caller's correlation id (or AppSync's request id), else a new one; answered back in a header. */
    public void begin(Exchange exchange) {
        String requestId = firstPresent(exchange, "x-amzn-requestid");
        String correlationId = firstPresent(exchange, CORRELATION_HEADER, "x-amzn-requestid");
        if (correlationId == null) {
            correlationId = UUID.randomUUID().toString();
        }
        exchange.setProperty(Correlation.PROPERTY, correlationId);
        WorkerLog.context(Worker.CHECK_ELIGIBILITY, correlationId);
        WorkerSpans.begin(exchange, Worker.CHECK_ELIGIBILITY, correlationId, requestId);
    }

    public String decision(Exchange exchange, Eligibility eligibility) {
        EligibilityRequest request = exchange.getProperty(EligibilityRequests.REQUEST, EligibilityRequest.class);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("slug", request.slug());
        data.put("campaignId", eligibility.campaignId());
        data.put("isEligible", eligibility.isEligible());
        data.put("reason", eligibility.reason() == null ? null : eligibility.reason().name());
        if (eligibility.detail() != null) {
            data.put("detail", eligibility.detail());
        }
        WorkerLog.info(eligibility.isEligible() ? "Eligible" : "Not eligible: " + eligibility.reason(), data);
        return respond(exchange, 200, eligibility.toJson(json));
    }

    public String clientError(Exchange exchange) {
        ClientError error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ClientError.class);
        ObjectNode body = json.createObjectNode().put("error", error.error()).put("message", error.getMessage());
        if (error.field() != null) {
            body.put("field", error.field());
        }
        WorkerLog.info("Request refused: " + error.error(), Map.of("status", error.status(), "problem", error.getMessage()));
        return respond(exchange, error.status(), body);
    }

    /** Anything unexpected: INTERNAL_SERVER_ERROR with the correlation id to look the failure up by; no stack trace. */
    public String internalError(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String correlationId = Correlation.of(exchange);
        WorkerLog.error("Eligibility check failed", Map.of("reason", Failures.reason(failure), "error", Failures.describe(failure)));
        Eligibility answer = Eligibility.ineligible(Reason.INTERNAL_SERVER_ERROR, null, Map.of("correlationId", correlationId));
        return respond(exchange, 500, answer.toJson(json));
    }

    private String respond(Exchange exchange, int status, ObjectNode body) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader(CORRELATION_HEADER, Correlation.of(exchange));
        return body.toString();
    }

    /** The first of these headers that carries an acceptable id ({@link Correlation#acceptable}). */
    private static String firstPresent(Exchange exchange, String... headers) {
        for (String header : headers) {
            Optional<String> value = Correlation.acceptable(exchange.getMessage().getHeader(header, String.class));
            if (value.isPresent()) {
                return value.get();
            }
        }
        return null;
    }
}
