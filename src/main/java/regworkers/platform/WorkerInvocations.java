package regworkers.platform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * POST /workers/{name}/invoke (SPEC §5): runs a worker once on an event, as the seed's workers:invoke did. A queue
 * worker takes one message body, or an SQS-style event {"Records":[{messageId, body}, ...]} and then answers like
 * the original Lambda: per-record failures and the received/processed/failed counts.
 */
@ApplicationScoped
@Named("workerInvocations")
public class WorkerInvocations {
    @Inject
    ProducerTemplate producer;

    @Inject
    ObjectMapper json;

    @Inject
    WorkerSelection selection;

    public Object invoke(Exchange exchange) throws Exception {
        String name = exchange.getMessage().getHeader("name", String.class);
        Worker worker = Worker.byId(name).filter(selection::runs).orElse(null);
        String endpoint = worker == null ? null : worker.workEndpoint();
        if (worker == null || exchange.getContext().hasEndpoint(endpoint) == null) {
            return problem(exchange, 404, "worker '" + name + "' is not running in this process");
        }
        JsonNode event;
        try {
            event = json.readTree(exchange.getMessage().getBody(String.class));
        } catch (Exception e) {
            return problem(exchange, 400, "the event is not valid JSON: " + Failures.describe(e));
        }
        WorkerLog.context(worker, exchange.getExchangeId());
        // enqueueEntries takes a whole DynamoDB stream event: its Records are stream records, not SQS messages
        boolean streamEvent = worker == Worker.ENQUEUE_ENTRIES;
        if (!streamEvent
                && event != null
                && event.has("Records")
                && event.get("Records").isArray()) {
            return invokeBatch(endpoint, event.get("Records"));
        }
        Exchange result = producer.send(endpoint, e -> {
            e.getMessage().setBody(json.writeValueAsString(event));
            // a REST worker (checkEligibility) checks the caller's token and content type itself
            e.getMessage().setHeader("Authorization", exchange.getMessage().getHeader("Authorization"));
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        });
        if (result.getException() != null) {
            return problem(
                    exchange,
                    Failures.isPermanent(result.getException()) ? 422 : 502,
                    Failures.reason(result.getException()) + ": " + Failures.describe(result.getException()));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("worker", name);
        answer.put("result", asJson(result.getMessage().getBody()));
        return answer;
    }

    /** A worker's result as the caller reads it: JSON text as the JSON it holds, anything else as it is (or its text). */
    private Object asJson(Object body) {
        if (body instanceof String text) {
            String trimmed = text.strip();
            if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
                try {
                    return json.readTree(trimmed);
                } catch (Exception notJson) {
                    return text;
                }
            }
            return text;
        }
        return body instanceof Map || body instanceof List || body instanceof JsonNode ? body : String.valueOf(body);
    }

    private Map<String, Object> invokeBatch(String endpoint, JsonNode records) throws Exception {
        List<Map<String, String>> failures = new ArrayList<>();
        for (JsonNode record : records) {
            JsonNode body = record.get("body");
            String payload = body == null ? "" : body.isTextual() ? body.asText() : json.writeValueAsString(body);
            Exchange result = producer.send(endpoint, e -> e.getMessage().setBody(payload));
            if (result.getException() != null) {
                failures.add(Map.of(
                        "itemIdentifier",
                        record.path("messageId").asText(""),
                        "reason",
                        Failures.reason(result.getException()),
                        "detail",
                        Failures.describe(result.getException())));
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("batchItemFailures", failures);
        answer.put(
                "count",
                Map.of(
                        "received",
                        records.size(),
                        "processed",
                        records.size() - failures.size(),
                        "failed",
                        failures.size()));
        return answer;
    }

    static Map<String, Object> problem(Exchange exchange, int status, String error) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        return Map.of("error", error);
    }
}
