package regworkers.platform;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.junit.jupiter.api.Test;
import standins.DemoData;
import support.Queues;
import support.RecordedSpans;
import support.Tokens;

/** The span attributes of SPEC §5 on the spans the workers produce, as the tracer provider receives them. */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class TracingTest {

    private static final AttributeKey<String> WORKER = AttributeKey.stringKey(WorkerSpans.WORKER_NAME);
    private static final AttributeKey<String> CAMPAIGN = AttributeKey.stringKey(WorkerSpans.CAMPAIGN_ID);
    private static final AttributeKey<String> CORRELATION = AttributeKey.stringKey(WorkerSpans.CORRELATION_ID);
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey(WorkerSpans.REQUEST_ID);

    @Inject
    RecordedSpans spans;

    private final LocalStack stack = LocalStack.shared();
    private final Queues queues = new Queues(stack);

    @Test
    void queueWorkersTagTheirSpansWithWorkerCorrelationMessageAndCampaign() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        String correlationId = "corr-" + campaignId;
        String messageId =
                queues.send("processDataQueue", registrationEvent(campaignId), Map.of("correlationId", correlationId));

        List<SpanData> sendData = spans.await(
                s -> "sendData".equals(s.getAttributes().get(WORKER))
                        && correlationId.equals(s.getAttributes().get(CORRELATION)),
                Duration.ofSeconds(30));
        assertEquals(1, sendData.size(), "one sendData worker span for the one event");
        assertEquals(campaignId, sendData.get(0).getAttributes().get(CAMPAIGN));
        String sendDataMessageId = sendData.get(0).getAttributes().get(REQUEST_ID);
        assertFalse(sendDataMessageId == null || sendDataMessageId.isBlank(), "the sendData-registration message id");

        List<SpanData> processData =
                spans.matching(s -> "processData".equals(s.getAttributes().get(WORKER))
                        && correlationId.equals(s.getAttributes().get(CORRELATION)));
        assertEquals(1, processData.size(), "one processData worker span");
        assertEquals(messageId, processData.get(0).getAttributes().get(REQUEST_ID));
        assertEquals(campaignId, processData.get(0).getAttributes().get(CAMPAIGN));
        assertTrue(!sendDataMessageId.equals(messageId), "each queue's own message id");
    }

    @Test
    void checkEligibilityTagsItsRequestSpanAndOpensOneSpanPerCheck() throws Exception {
        DemoData.seed(stack.standIns());
        String correlationId = "corr-" + UUID.randomUUID();
        given().contentType("application/json")
                .header("Authorization", "Bearer " + Tokens.forUser(DemoData.INVITED_USER))
                .header("x-correlation-id", correlationId)
                .header("x-amzn-requestid", correlationId)
                .body("""
                        {"slug":"%s","entry":{"email":"fan@example.com","markets":["market-123"],"ticket_count":2,"opt_in":true},
                         "userInfo":{"globalUserId":"%s"},"doTransfer":false}""".formatted(DemoData.SLUG, DemoData.INVITED_USER))
                .post("/checkEligibility")
                .then()
                .statusCode(200);

        List<SpanData> request =
                spans.await(s -> correlationId.equals(s.getAttributes().get(CORRELATION)), Duration.ofSeconds(10));
        assertEquals(1, request.size(), "one request span carries the correlation id");
        SpanData requestSpan = request.get(0);
        assertEquals("checkEligibility", requestSpan.getAttributes().get(WORKER));
        assertEquals(DemoData.CAMPAIGN_ID, requestSpan.getAttributes().get(CAMPAIGN));
        assertEquals(correlationId, requestSpan.getAttributes().get(REQUEST_ID));

        Set<String> checks = spans
                .matching(s -> s.getTraceId().equals(requestSpan.getTraceId())
                        && "checkEligibility".equals(s.getAttributes().get(WORKER)))
                .stream()
                .map(SpanData::getName)
                .collect(Collectors.toSet());
        assertTrue(
                checks.containsAll(Set.of("getCampaign", "validateEntry")),
                "custom spans in the request's trace: " + checks);
        assertTrue(
                spans
                        .matching(s -> s.getName().equals("validateEntry")
                                && s.getTraceId().equals(requestSpan.getTraceId()))
                        .stream()
                        .allMatch(s ->
                                DemoData.CAMPAIGN_ID.equals(s.getAttributes().get(CAMPAIGN))));
    }

    private static String registrationEvent(String campaignId) {
        return "{\"type\":\"registration\",\"data\":{\"campaignId\":\"" + campaignId + "\",\"globalUserId\":\"user-1\","
                + "\"marketIds\":[\"market-123\"],\"registeredAt\":\"2024-01-15T10:30:00Z\",\"fields\":{\"ticket_count\":2}}}";
    }
}
