package regworkers.registration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import regworkers.platform.Correlation;
import regworkers.platform.ExpectedCounter;
import regworkers.platform.Failures;
import regworkers.platform.Worker;
import regworkers.platform.WorkerLog;
import regworkers.platform.WorkerSpans;

/**
 * The HTTP side of checkEligibility: correlation id in, JSON answers out, every answer counted by its reason. A refusal
 * or an error is logged at INFO (no PII), an eligible answer at DEBUG: most answers at a presale are eligible.
 */
@ApplicationScoped
@Named("eligibilityResponses")
public class EligibilityResponses {

    private static final WorkerLog LOG = WorkerLog.of(EligibilityResponses.class);

    static final String CORRELATION_HEADER = "x-correlation-id";
    static final String ANSWERS = "regworkers.eligibility.answers";
    static final String ELIGIBLE = "ELIGIBLE";

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry metrics;

    /** Every decision's counter, at 0 from the start. */
    @Produces
    static ExpectedCounter answers() {
        List<String> reasons = new ArrayList<>(List.of(ELIGIBLE));
        Arrays.stream(Reason.values()).map(Reason::name).forEach(reasons::add);
        return ExpectedCounter.of(Worker.CHECK_ELIGIBILITY, ANSWERS, "reason", reasons);
    }

    /** {@code regworkers_eligibility_answers_total{reason}}: ELIGIBLE, a seed reason, or a client error's code. */
    private void count(String reason) {
        metrics.counter(ANSWERS, "reason", reason).increment();
    }

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
        data.put(
                "reason",
                eligibility.reason() == null ? null : eligibility.reason().name());
        if (eligibility.detail() != null) {
            data.put("detail", eligibility.detail());
        }
        if (eligibility.isEligible()) {
            LOG.debug("Eligible", data); // counted and traced; a line each was a quarter of its CPU
        } else {
            LOG.info("Not eligible: " + eligibility.reason(), data);
        }
        count(eligibility.isEligible() ? ELIGIBLE : eligibility.reason().name());
        return respond(exchange, 200, eligibility.toJson(json));
    }

    public String clientError(Exchange exchange) {
        ClientError error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ClientError.class);
        ObjectNode body = json.createObjectNode().put("error", error.error()).put("message", error.getMessage());
        if (error.field() != null) {
            body.put("field", error.field());
        }
        LOG.info("Request refused: " + error.error(), Map.of("status", error.status(), "problem", error.getMessage()));
        count(error.error());
        return respond(exchange, error.status(), body);
    }

    /** Anything unexpected: INTERNAL_SERVER_ERROR with the correlation id to look the failure up by; no stack trace. */
    public String internalError(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String correlationId = Correlation.of(exchange);
        LOG.error(
                "Eligibility check failed",
                Map.of("reason", Failures.reason(failure), "error", Failures.describe(failure)));
        Eligibility answer =
                Eligibility.ineligible(Reason.INTERNAL_SERVER_ERROR, null, Map.of("correlationId", correlationId));
        count(Reason.INTERNAL_SERVER_ERROR.name());
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
            Optional<String> value =
                    Correlation.acceptable(exchange.getMessage().getHeader(header, String.class));
            if (value.isPresent()) {
                return value.get();
            }
        }
        return null;
    }
}
