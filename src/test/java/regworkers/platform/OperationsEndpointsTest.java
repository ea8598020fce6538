package regworkers.platform;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import standins.DemoData;
import support.Queues;
import support.Tokens;

/** The operations endpoints over HTTP (SPEC §5): invoke a worker, list and redrive a dead-letter queue. */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class OperationsEndpointsTest {

    private static final String QUEUE = "operationsTestQueue";

    private final LocalStack stack = LocalStack.shared();
    private final Queues queues = new Queues(stack);

    @Test
    void invokeRunsAQueueWorkerOnAnSqsStyleEventAndReportsPerRecordFailures() {
        String userId = "invoked-" + UUID.randomUUID();
        given().contentType("application/json")
                .body("{\"Records\":[{\"messageId\":\"m-1\",\"body\":{\"globalUserId\":\"" + userId
                        + "\",\"firstName\":\"John\"}},"
                        + "{\"messageId\":\"m-2\",\"body\":{\"email\":\"no-id@example.com\"}}]}")
                .post("/workers/upsertUsers/invoke")
                .then()
                .statusCode(200)
                .body("count.received", equalTo(2))
                .body("count.processed", equalTo(1))
                .body("count.failed", equalTo(1))
                .body("batchItemFailures", hasSize(1))
                .body("batchItemFailures[0].itemIdentifier", equalTo("m-2"))
                .body("batchItemFailures[0].reason", equalTo("INVALID_USER"));
        assertEquals(
                "John",
                stack.standIns()
                        .user()
                        .storedUsers()
                        .get(userId)
                        .get("firstName")
                        .asText());
    }

    @Test
    void invokeRunsCheckEligibilityWithTheCallersToken() {
        DemoData.seed(stack.standIns());
        given().contentType("application/json")
                .header("Authorization", "Bearer " + Tokens.forUser(DemoData.INVITED_USER))
                .body("{\"body\":{\"slug\":\"" + DemoData.SLUG
                        + "\",\"entry\":{\"email\":\"fan@example.com\",\"markets\":[\"market-123\"],"
                        + "\"ticket_count\":1},\"userInfo\":{\"globalUserId\":\"" + DemoData.INVITED_USER + "\"}}}")
                .post("/workers/checkEligibility/invoke")
                .then()
                .statusCode(200)
                .body("worker", equalTo("checkEligibility"))
                .body("result.isEligible", equalTo(true));
    }

    @Test
    void anUnknownWorkerIs404() {
        given().contentType("application/json")
                .body("{}")
                .post("/workers/noSuchWorker/invoke")
                .then()
                .statusCode(404)
                .body("error", containsString("noSuchWorker"));
    }

    @Test
    void aDeadLetterQueueIsListedThenRedrivenToItsSourceQueue() {
        queues.purge(QUEUE);
        queues.purge(QUEUE + "-dlq");
        String body = "{\"id\":\"" + UUID.randomUUID() + "\"}";
        queues.send(
                QUEUE + "-dlq",
                body,
                Map.of(
                        QueueContract.FAILURE_REASON,
                        "RETRIES_EXHAUSTED",
                        QueueContract.SOURCE_QUEUE,
                        QUEUE,
                        "correlationId",
                        "corr-ops"));

        given().get("/dlq/" + QUEUE)
                .then()
                .statusCode(200)
                .body("queue", equalTo(QUEUE + "-dlq"))
                .body("messages", hasSize(1))
                .body("messages[0].body", equalTo(body))
                .body("messages[0].attributes.failureReason", equalTo("RETRIES_EXHAUSTED"));
        given().post("/dlq/" + QUEUE + "/redrive").then().statusCode(200).body("redriven", equalTo(1));

        List<Message> back = queues.drain(QUEUE, Duration.ofSeconds(2));
        assertEquals(1, back.size());
        assertEquals(body, back.get(0).body());
        assertEquals("corr-ops", Queues.attribute(back.get(0), "correlationId"), "the correlation id travels back");
        assertEquals(
                null, Queues.attribute(back.get(0), QueueContract.FAILURE_REASON), "the failure attributes do not");
        assertEquals(List.of(), queues.drain(QUEUE + "-dlq", Duration.ofSeconds(1)));
    }

    @Test
    void anUnknownDeadLetterQueueIs404() {
        given().get("/dlq/noSuchQueue").then().statusCode(404);
    }
}
