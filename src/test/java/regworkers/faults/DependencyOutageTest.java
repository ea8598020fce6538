package regworkers.faults;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import standins.Faults;
import standins.RecordedRequest;
import standins.ScoringStandIn;
import standins.UserStandIn;
import support.DemandTableEntries;
import support.Queues;

/**
 * A downstream service down for a minute (the fault suite's short version, {@code -Dfaults.outage=PT60S} by default)
 * while its worker has a backlog, for a batching worker (upsertUsers) and a per-message worker (retryScore): the
 * worker pauses instead of spending its messages, nothing is dead-lettered, and everything lands once the service is
 * back, each piece of work done once.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class DependencyOutageTest {

    private static final Duration OUTAGE = Duration.parse(System.getProperty("faults.outage", "PT60S"));
    /** The figure: work resumes by itself within 30 s of the dependency's return. */
    private static final Duration RESUMES_WITHIN = Duration.ofSeconds(30);

    private final LocalStack stack = LocalStack.shared();
    private final Queues queues = new Queues(stack);
    private final UserStandIn userService = stack.standIns().user();
    private final ScoringStandIn scoringService = stack.standIns().scoring();
    private final DemandTableEntries table = new DemandTableEntries(stack.dynamo());

    @AfterEach
    void heal() {
        userService.faults(Faults.NONE);
        scoringService.faults(Faults.NONE);
    }

    @Test
    void aUserServiceOutageCostsTheBacklogOnlyDelay() throws Exception {
        userService.reset();
        queues.purge("upsertUsersQueue-dlq");
        List<String> users = IntStream.range(0, 200)
                .mapToObj(i -> "outage-user-" + UUID.randomUUID())
                .toList();
        userService.faults(Faults.serviceDown());
        users.forEach(id -> queues.send("upsertUsersQueue", "{\"globalUserId\":\"" + id + "\",\"firstName\":\"Fan\"}"));

        Thread.sleep(OUTAGE.toMillis());
        int requestsDuringOutage = userService.requests().size();
        // paused, not out of the Service: ready, saying which worker waits for what
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'workers' }.data.'paused.upsertUsers'", containsString("user"));
        given().get("/q/health/group/dependencies")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'dependencies' }.data.user_service", containsString("503"));
        userService.faults(Faults.NONE);

        await().atMost(RESUMES_WITHIN)
                .until(() -> userService.storedUsers().keySet().containsAll(users));
        await().atMost(Duration.ofSeconds(15)).until(() -> queues.depth("upsertUsersQueue") == 0);
        assertEquals(List.of(), queues.drain("upsertUsersQueue-dlq", Duration.ofSeconds(2)), "nothing dead-lettered");
        Map<String, Integer> upserts = new HashMap<>();
        userService.requests().stream()
                .filter(r -> r.status() == 200)
                .map(RecordedRequest::json)
                .forEach(body -> body.get("users")
                        .findValuesAsText("globalUserId")
                        .forEach(id -> upserts.merge(id, 1, Integer::sum)));
        users.forEach(id -> assertEquals(1, upserts.get(id), "each user upserted exactly once"));
        // paused: the worker stops calling with messages and only probes (backing off to 15 s) once it knows
        assertTrue(requestsDuringOutage < 60, "requests during the outage: " + requestsDuringOutage);
    }

    @Test
    void aScoringServiceOutageCostsTheBacklogOnlyDelay() throws Exception {
        queues.purge("retryScoreQueue-dlq");
        String campaignId = "outage-campaign-" + UUID.randomUUID();
        List<String> users = IntStream.range(0, 40).mapToObj(i -> "user-" + i).toList();
        users.forEach(user -> table.put(campaignId, user, false, item -> {
            item.remove("score");
            item.put("fields", AttributeValue.fromS("{}"));
        }));
        scoringService.faults(Faults.serviceDown());
        users.forEach(user -> queues.send(
                "retryScoreQueue", "{\"campaignId\":\"" + campaignId + "\",\"globalUserId\":\"" + user + "\"}"));

        Thread.sleep(OUTAGE.toMillis());
        assertTrue(users.stream().noneMatch(user -> table.item(campaignId, user).containsKey("score")));
        scoringService.faults(Faults.NONE);

        await().atMost(RESUMES_WITHIN)
                .until(() -> users.stream()
                        .allMatch(user -> table.item(campaignId, user).containsKey("score")));
        await().atMost(Duration.ofSeconds(15)).until(() -> queues.depth("retryScoreQueue") == 0);
        assertEquals(List.of(), queues.drain("retryScoreQueue-dlq", Duration.ofSeconds(2)), "nothing dead-lettered");
    }
}
