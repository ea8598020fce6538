package regworkers.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import regworkers.platform.QueueOutcome;
import regworkers.platform.Worker;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import standins.EntryStandIn;
import standins.Faults;
import standins.RecordedRequest;
import support.DemandTableEntries;
import support.Queues;

/** saveEntries and retryScore on the real stack: DynamoDB Local, fauxqs, the entry and scoring stand-ins. */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class SaveEntriesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUEUE = "saveEntriesQueue";

    @Inject
    CamelContext camel;

    @Inject
    EntryReplication replication;

    private final LocalStack stack = LocalStack.shared();
    private final Queues queues = new Queues(stack);
    private final EntryStandIn entryService = stack.standIns().entry();
    private final DemandTableEntries table = new DemandTableEntries(stack.dynamo());

    @AfterEach
    void heal() {
        entryService.faults(Faults.NONE);
    }

    @Test
    void theSeedsMessageReachesTheEntryServiceAndTheFlagIsCleared() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        putEntry(campaignId, "user-456", "2024-01-15T10:30:00Z", true, 850);
        queues.send(QUEUE, """
                {"entry":{"pk":"CAMPAIGN#%1$s","sk":"USER#user-456","globalUserId":"user-456","campaignId":"%1$s",
                  "fields":"{\\"email\\":\\"fan@example.com\\"}","score":850,
                  "createdAt":"2024-01-15T10:30:00Z","updatedAt":"2024-01-15T10:30:00Z"},
                 "operation":"INSERT"}""".formatted(campaignId));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> entryService.entry(campaignId, "user-456").isPresent());
        var stored = entryService.entry(campaignId, "user-456").orElseThrow();
        assertEquals(JSON.readTree("{\"email\":\"fan@example.com\"}"), stored.get("fields"));
        assertEquals(850, stored.get("score").asInt());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !item(campaignId, "user-456").containsKey("needsReplication"));
        assertTrue(item(campaignId, "user-456").containsKey("replicatedAt"));
    }

    @Test
    void staleEventsAreAcknowledgedWithoutCallingTheEntryService() {
        String campaignId = "campaign-" + UUID.randomUUID();
        putEntry(campaignId, "replicated-already", "2024-01-15T10:30:00Z", false, 10);
        queues.send(QUEUE, message(campaignId, "replicated-already", "MODIFY"));
        queues.send(QUEUE, message(campaignId, "never-existed", "INSERT"));
        putEntry(campaignId, "came-back", "2024-01-15T10:30:00Z", false, 10);
        queues.send(QUEUE, message(campaignId, "came-back", "REMOVE"));

        await().atMost(Duration.ofSeconds(20)).until(() -> inFlightOrVisible() == 0);
        assertTrue(
                entryService.requests().stream()
                        .noneMatch(r -> r.path().contains(campaignId)
                                && !r.path().contains("came-back")
                                && !r.method().equals("GET")),
                "no call for the stale events");
        assertTrue(
                entryService.requests().stream()
                        .noneMatch(r -> r.method().equals("DELETE") && r.path().contains(campaignId)),
                "a REMOVE of an entry that exists again is not forwarded");
    }

    @Test
    void aBatchIsCheckedInOneReadAndTwoEventsOfOneEntryReplicateItOnce() throws Exception {
        // the stream's own events would replicate the entry too: they come after the batch, and find it replicated
        camel.getRouteController().stopRoute(Worker.ENQUEUE_ENTRIES.routeId());
        try {
            replicateOneBatch();
        } finally {
            camel.getRouteController().startRoute(Worker.ENQUEUE_ENTRIES.routeId());
        }
    }

    private void replicateOneBatch() {
        String campaignId = "campaign-" + UUID.randomUUID();
        putEntry(campaignId, "flagged", "2024-01-15T10:30:00Z", true, 850);
        putEntry(campaignId, "replicated-already", "2024-01-15T10:30:00Z", false, 10);
        List<ReceivedEntry> batch = Stream.of(
                        message(campaignId, "flagged", "INSERT"),
                        message(campaignId, "replicated-already", "MODIFY"),
                        message(campaignId, "flagged", "MODIFY"),
                        message(campaignId, "never-existed", "INSERT"))
                .map(body -> replication.receive(body, null, null))
                .toList();

        List<PendingEntry> checked = replication.check(batch);
        assertEquals(
                Arrays.asList(
                        null,
                        "the entry no longer needs replication",
                        "another event of the entry is in the same batch",
                        "the entry is gone"),
                checked.stream().map(PendingEntry::staleWhy).toList());

        List<QueueOutcome> outcomes = replication.replicate(batch);
        assertEquals(4, outcomes.size());
        assertTrue(outcomes.stream().allMatch(outcome -> outcome.failure() == null), outcomes.toString());
        List<RecordedRequest> puts = entryService.requests().stream()
                .filter(r -> r.method().equals("PUT") && r.path().contains(campaignId))
                .toList();
        assertEquals(1, puts.size(), "one upsert for the batch");
        assertEquals(1, puts.get(0).json().get("entries").size(), "the flagged entry, once");
        assertFalse(item(campaignId, "flagged").containsKey("needsReplication"));
    }

    @Test
    void aRemoveDeletesTheEntryDownstream() {
        String campaignId = "campaign-" + UUID.randomUUID();
        entryService.seedEntry(JSON.createObjectNode()
                .put("globalUserId", "leaving")
                .put("campaignId", campaignId)
                .set("fields", JSON.createObjectNode()));
        assertTrue(entryService.entry(campaignId, "leaving").isPresent());
        queues.send(QUEUE, message(campaignId, "leaving", "REMOVE"));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> entryService.entry(campaignId, "leaving").isEmpty());
    }

    @Test
    void anEntryWrittenWhileItWasReplicatedStaysFlaggedAndItsOwnEventReplicatesIt() throws Exception {
        // the stream reader is paused so the newer version's own event comes only when this test lets it
        boolean readerRuns = camel.getRoute("enqueueEntries") != null;
        if (readerRuns) {
            camel.getRouteController().stopRoute("enqueueEntries");
        }
        try {
            String campaignId = "campaign-" + UUID.randomUUID();
            putEntry(campaignId, "racer", "2024-01-15T10:30:00Z", true, 1);
            entryService.faults(Faults.latency(2_000));
            queues.send(QUEUE, message(campaignId, "racer", "INSERT"));
            // the item was read for its batch and its upsert is held by the latency: now a newer version is written
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> entryService.arrivals().contains("PUT /campaigns/" + campaignId + "/entries"));
            putEntry(campaignId, "racer", "2024-01-15T11:00:00Z", true, 2);

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> entryService.entry(campaignId, "racer").isPresent());
            await().atMost(Duration.ofSeconds(10)).until(() -> inFlightOrVisible() == 0);
            Map<String, AttributeValue> newer = item(campaignId, "racer");
            assertTrue(
                    newer.containsKey("needsReplication")
                            && newer.get("needsReplication").bool(),
                    "the newer version must stay flagged");
            assertEquals("2024-01-15T11:00:00Z", newer.get("updatedAt").s());
            assertEquals(
                    1,
                    entryService
                            .entry(campaignId, "racer")
                            .orElseThrow()
                            .get("score")
                            .asInt(),
                    "downstream has the older version so far");

            entryService.faults(Faults.NONE);
            if (readerRuns) {
                camel.getRouteController().startRoute("enqueueEntries");
            } else {
                queues.send(QUEUE, message(campaignId, "racer", "MODIFY"));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !item(campaignId, "racer").containsKey("needsReplication"));
            assertEquals(
                    2,
                    entryService
                            .entry(campaignId, "racer")
                            .orElseThrow()
                            .get("score")
                            .asInt(),
                    "the newer version went downstream");
        } finally {
            if (readerRuns
                    && !camel.getRouteController()
                            .getRouteStatus("enqueueEntries")
                            .isStarted()) {
                camel.getRouteController().startRoute("enqueueEntries");
            }
        }
    }

    @Test
    void anEntryServiceOutageLosesNothing() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        List<String> users = IntStream.range(0, 12).mapToObj(i -> "user-" + i).toList();
        users.forEach(user -> putEntry(campaignId, user, "2024-01-15T10:30:00Z", true, 5));
        entryService.faults(Faults.serviceDown());
        users.forEach(user -> queues.send(QUEUE, message(campaignId, user, "INSERT")));
        Thread.sleep(3_000);
        entryService.faults(Faults.NONE);

        await().atMost(Duration.ofSeconds(45))
                .until(() -> entryService.entries(campaignId).keySet().containsAll(users));
        await().atMost(Duration.ofSeconds(15))
                .until(() -> users.stream().noneMatch(u -> item(campaignId, u).containsKey("needsReplication")));
        assertEquals(
                List.of(),
                queues.drain(QUEUE + "-dlq", Duration.ofSeconds(2)).stream()
                        .filter(m -> m.body().contains(campaignId))
                        .toList());
    }

    @Test
    void retryScoreWritesTheScoreAndTheStreamCarriesItToTheEntryService() {
        String campaignId = "campaign-" + UUID.randomUUID();
        putEntry(campaignId, "unscored", "2024-01-15T10:30:00Z", false, null);
        queues.send("retryScoreQueue", "{\"campaignId\":\"" + campaignId + "\",\"globalUserId\":\"unscored\"}");

        double expected = stack.standIns().scoring().scoreOf(campaignId, "unscored");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> entryService
                        .entry(campaignId, "unscored")
                        .map(entry -> entry.path("score").asDouble() == expected)
                        .orElse(false));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !item(campaignId, "unscored").containsKey("needsReplication"));
        assertEquals(
                expected,
                Double.parseDouble(item(campaignId, "unscored").get("score").n()),
                1e-9);
    }

    @Test
    void anEntryWrittenToTheTableIsReplicatedEndToEnd() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        putEntry(campaignId, "user-456", "2024-01-15T10:30:00Z", true, 850);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> entryService.entry(campaignId, "user-456").isPresent());
        assertEquals(
                JSON.readTree("{\"email\":\"fan@example.com\"}"),
                entryService.entry(campaignId, "user-456").orElseThrow().get("fields"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> item(campaignId, "user-456").containsKey("replicatedAt"));
        assertFalse(item(campaignId, "user-456").containsKey("needsReplication"));

        table.delete(campaignId, "user-456");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> entryService.entry(campaignId, "user-456").isEmpty());
    }

    private void putEntry(String campaignId, String userId, String updatedAt, boolean needsReplication, Integer score) {
        table.put(campaignId, userId, needsReplication, item -> {
            item.put("fields", AttributeValue.fromS("{\"email\":\"fan@example.com\"}"));
            item.put("createdAt", AttributeValue.fromS("2024-01-15T10:30:00Z"));
            item.put("updatedAt", AttributeValue.fromS(updatedAt));
            if (score == null) {
                item.remove("score");
            } else {
                item.put("score", AttributeValue.fromN(score.toString()));
            }
        });
    }

    private Map<String, AttributeValue> item(String campaignId, String userId) {
        return table.item(campaignId, userId);
    }

    private static String message(String campaignId, String userId, String operation) {
        return "{\"entry\":{\"pk\":\"CAMPAIGN#" + campaignId + "\",\"sk\":\"USER#" + userId + "\",\"campaignId\":\""
                + campaignId + "\",\"globalUserId\":\"" + userId + "\",\"updatedAt\":\"" + Instant.EPOCH
                + "\"},\"operation\":\"" + operation + "\"}";
    }

    private int inFlightOrVisible() {
        return queues.depth(QUEUE);
    }
}
