package regworkers.registration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import regworkers.platform.QueueContract;
import software.amazon.awssdk.services.sqs.model.Message;
import standins.Faults;
import standins.RecordedRequest;
import standins.UserStandIn;
import support.Queues;

/** upsertUsers through the real queue and a real user-service stand-in. */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class UpsertUsersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUEUE = "upsertUsersQueue";
    private static final String DLQ = "upsertUsersQueue-dlq";

    private final LocalStack stack = LocalStack.shared();
    private final Queues queues = new Queues(stack);
    private final UserStandIn userService = stack.standIns().user();

    @BeforeEach
    void cleanSlate() {
        userService.reset();
        queues.purge(DLQ);
    }

    @AfterEach
    void heal() {
        userService.faults(Faults.NONE);
    }

    @Test
    void theSeedsMessageUpsertsItsUser() throws Exception {
        String userId = "user-" + UUID.randomUUID();
        queues.send(QUEUE, """
                {"globalUserId":"%s","email":"user@example.com","firstName":"John","lastName":"Smith","phoneNumber":"+15551234567"}""".formatted(userId));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> userService.storedUsers().containsKey(userId));
        assertEquals(
                JSON.readTree("""
                {"globalUserId":"%s","email":"user@example.com","firstName":"John","lastName":"Smith","phoneNumber":"+15551234567"}""".formatted(userId)), userService.storedUsers().get(userId));
        await().atMost(Duration.ofSeconds(10)).until(() -> queues.depth(QUEUE) == 0);
    }

    @Test
    void invalidMessagesGoToTheDeadLetterQueueAtOnceWhileTheirBatchIsUpserted() {
        List<String> valid =
                IntStream.range(0, 6).mapToObj(i -> "user-" + UUID.randomUUID()).toList();
        valid.subList(0, 3).forEach(id -> queues.send(QUEUE, user(id)));
        queues.send(QUEUE, "{\"globalUserId\": \"broken");
        queues.send(QUEUE, "{\"email\":\"nobody@example.com\"}");
        queues.send(QUEUE, "{\"globalUserId\":\"typed\",\"firstName\":42}");
        valid.subList(3, 6).forEach(id -> queues.send(QUEUE, user(id)));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> userService.storedUsers().keySet().containsAll(valid));
        List<Message> deadLetters = queues.drain(DLQ, Duration.ofSeconds(3));
        Map<String, String> reasons = new HashMap<>();
        deadLetters.forEach(m -> reasons.put(m.body(), Queues.attribute(m, QueueContract.FAILURE_REASON)));
        assertEquals(
                Map.of(
                        "{\"globalUserId\": \"broken", "MALFORMED_JSON",
                        "{\"email\":\"nobody@example.com\"}", "INVALID_USER",
                        "{\"globalUserId\":\"typed\",\"firstName\":42}", "INVALID_USER"),
                reasons);
        deadLetters.forEach(m -> assertEquals(
                "1", Queues.attribute(m, QueueContract.RECEIVE_COUNT), "dead-lettered on its first receive"));
        batches().forEach(batch -> assertTrue(batch.size() <= 10, "at most 10 users per call"));
    }

    @Test
    void aUserTheServiceKeepsFailingIsRetriedAloneThenDeadLettered() {
        String failing = "user-" + UUID.randomUUID();
        List<String> neighbours =
                IntStream.range(0, 4).mapToObj(i -> "user-" + UUID.randomUUID()).toList();
        userService.failUsers(failing);
        queues.send(QUEUE, user(failing));
        neighbours.forEach(id -> queues.send(QUEUE, user(id)));

        List<Message> deadLetters = await().atMost(Duration.ofSeconds(45))
                .until(() -> queues.drain(DLQ, Duration.ofSeconds(1)), m -> !m.isEmpty());
        assertEquals(1, deadLetters.size());
        assertEquals("RETRIES_EXHAUSTED", Queues.attribute(deadLetters.get(0), QueueContract.FAILURE_REASON));
        assertEquals("3", Queues.attribute(deadLetters.get(0), QueueContract.RECEIVE_COUNT));
        assertTrue(userService.storedUsers().keySet().containsAll(neighbours));
        Map<String, Integer> sent = timesSent();
        assertEquals(3, sent.get(failing), "the failing user was tried once per receive");
        neighbours.forEach(id -> assertEquals(1, sent.get(id), "a neighbour is upserted once, never re-run"));
    }

    @Test
    void aUserServiceOutageLosesNothing() throws Exception {
        List<String> users = IntStream.range(0, 25)
                .mapToObj(i -> "user-" + UUID.randomUUID())
                .toList();
        userService.faults(Faults.serviceDown());
        users.forEach(id -> queues.send(QUEUE, user(id)));
        Thread.sleep(3_000);
        userService.faults(Faults.NONE);

        await().atMost(Duration.ofSeconds(45))
                .until(() -> userService.storedUsers().keySet().containsAll(users));
        await().atMost(Duration.ofSeconds(10)).until(() -> queues.depth(QUEUE) == 0);
        assertEquals(List.of(), queues.drain(DLQ, Duration.ofSeconds(2)));
        assertEquals(users.size(), userService.storedUsers().size(), "exactly these users, nothing else");
    }

    @Test
    void aBatchTheServiceRefusesForOneUserFailsOnlyThatUser() {
        String refused = "user-" + UUID.randomUUID();
        List<String> neighbours =
                IntStream.range(0, 5).mapToObj(i -> "user-" + UUID.randomUUID()).toList();
        userService.refuseUsers(refused);
        neighbours.subList(0, 2).forEach(id -> queues.send(QUEUE, user(id)));
        queues.send(QUEUE, user(refused));
        neighbours.subList(2, 5).forEach(id -> queues.send(QUEUE, user(id)));

        List<Message> deadLetters = await().atMost(Duration.ofSeconds(30))
                .until(() -> queues.drain(DLQ, Duration.ofSeconds(1)), m -> !m.isEmpty());
        assertEquals(1, deadLetters.size());
        assertTrue(deadLetters.get(0).body().contains(refused));
        assertEquals("SERVICE_REJECTED", Queues.attribute(deadLetters.get(0), QueueContract.FAILURE_REASON));
        assertEquals(
                "1", Queues.attribute(deadLetters.get(0), QueueContract.RECEIVE_COUNT), "refused on its first receive");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> userService.storedUsers().keySet().containsAll(neighbours));
        Map<String, Integer> sent = timesSent();
        neighbours.forEach(id -> assertEquals(1, sent.get(id), "a neighbour is upserted once"));
    }

    @Test
    void refusedCredentialsAndAMaintenancePageAreTheServicesFailureNotTheMessages() throws Exception {
        List<String> users = IntStream.range(0, 12)
                .mapToObj(i -> "user-" + UUID.randomUUID())
                .toList();
        userService.faults(Faults.status(401));
        users.subList(0, 6).forEach(id -> queues.send(QUEUE, user(id)));
        Thread.sleep(4_000);
        userService.faults(Faults.maintenance());
        users.subList(6, 12).forEach(id -> queues.send(QUEUE, user(id)));
        Thread.sleep(4_000);
        assertTrue(userService.storedUsers().isEmpty());
        userService.faults(Faults.NONE);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> userService.storedUsers().keySet().containsAll(users));
        assertEquals(List.of(), queues.drain(DLQ, Duration.ofSeconds(2)));
    }

    private static String user(String id) {
        return "{\"globalUserId\":\"" + id + "\",\"firstName\":\"Fan\",\"countryCode\":\"US\",\"env\":\"prod\"}";
    }

    private List<List<String>> batches() {
        return userService.requests().stream()
                .filter(r -> r.status() == 200)
                .map(RecordedRequest::json)
                .map(body -> body.get("users").findValuesAsText("globalUserId"))
                .toList();
    }

    /** How often each user reached the service in a successful call. */
    private Map<String, Integer> timesSent() {
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> batch : batches()) {
            batch.forEach(id -> counts.merge(id, 1, Integer::sum));
        }
        return counts;
    }
}
