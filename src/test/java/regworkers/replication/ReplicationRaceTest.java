package regworkers.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import standins.EntryStandIn;
import support.DemandTableEntries;

/**
 * Two replicas replicating one entry, their writes to the entry service landing in the wrong order: each test reads
 * the entry as one replica would when it receives its message, lets the other replica's newer work complete, then
 * lands the first one's older write. The entry service must end with demand-table's current item (or without the
 * entry when it is gone), through the stream, whatever the order.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class ReplicationRaceTest {

    private static final String READER = "enqueueEntries";

    @Inject
    EntryReplication replication;

    @Inject
    CamelContext camel;

    private final LocalStack stack = LocalStack.shared();
    private final EntryStandIn entryService = stack.standIns().entry();
    private final DemandTableEntries table = new DemandTableEntries(stack.dynamo());
    private final String campaignId = "race-" + UUID.randomUUID();

    @BeforeEach
    void holdTheStream() throws Exception {
        // the stream's own events would replicate in between; they come once the race is set up
        camel.getRouteController().stopRoute(READER);
    }

    @AfterEach
    void releaseTheStream() throws Exception {
        if (!camel.getRouteController().getRouteStatus(READER).isStarted()) {
            camel.getRouteController().startRoute(READER);
        }
    }

    @Test
    void anOlderVersionLandingLastIsReplacedByTheCurrentOne() throws Exception {
        put("fan", "2024-01-15T10:30:00Z", null);
        PendingEntry first = checked(message("fan", "INSERT")); // replica A: unscored
        put("fan", "2024-01-15T10:31:00Z", 912); // retryScore's write
        PendingEntry second = checked(message("fan", "MODIFY")); // replica B: scored

        replicate(second);
        assertEquals(
                912,
                entryService.entry(campaignId, "fan").orElseThrow().get("score").asInt());
        replicate(first); // A's PUT lands last
        assertEquals(
                true,
                entryService.entry(campaignId, "fan").orElseThrow().get("score").isNull(),
                "A's older copy landed");

        camel.getRouteController().startRoute(READER);
        awaitEntryServiceHoldsTheCurrentItem("fan");
    }

    @Test
    void anOlderVersionLandingFirstChangesNothing() throws Exception {
        put("fan", "2024-01-15T10:30:00Z", null);
        PendingEntry first = checked(message("fan", "INSERT"));
        put("fan", "2024-01-15T10:31:00Z", 912);
        PendingEntry second = checked(message("fan", "MODIFY"));

        replicate(first);
        replicate(second);

        camel.getRouteController().startRoute(READER);
        awaitEntryServiceHoldsTheCurrentItem("fan");
    }

    @Test
    void aDeleteLandingAfterTheReRegistrationIsUndone() throws Exception {
        put("fan", "2024-01-15T10:30:00Z", 700);
        replicate(checked(message("fan", "INSERT")));
        table.delete(campaignId, "fan");
        PendingEntry removal = checked(message("fan", "REMOVE")); // replica A
        put("fan", "2024-01-15T10:40:00Z", 701); // registered again
        PendingEntry registration = checked(message("fan", "INSERT")); // replica B

        replicate(registration);
        replicate(removal); // A's DELETE lands last
        assertFalse(entryService.entry(campaignId, "fan").isPresent(), "A's delete landed after B's upsert");

        camel.getRouteController().startRoute(READER);
        awaitEntryServiceHoldsTheCurrentItem("fan");
    }

    @Test
    void anUpsertLandingAfterTheDeleteIsUndone() throws Exception {
        put("fan", "2024-01-15T10:30:00Z", 700);
        PendingEntry upsert = checked(message("fan", "INSERT")); // replica A
        table.delete(campaignId, "fan");
        PendingEntry removal = checked(message("fan", "REMOVE")); // replica B

        replicate(removal);
        replicate(upsert); // A's PUT lands last

        // the stream's REMOVE event was B's message (replicated above): nothing else is coming to undo A's PUT
        assertFalse(entryService.entry(campaignId, "fan").isPresent(), "A's late PUT resurrected the entry downstream");
        assertEquals(Map.of(), table.item(campaignId, "fan"));
    }

    /** What a replica knows of the entry when it receives {@code body}: its state read now. */
    private PendingEntry checked(String body) {
        return replication.check(List.of(replication.receive(body, null, null))).get(0);
    }

    private void replicate(PendingEntry pending) {
        assertNull(replication.replicateChecked(List.of(pending)).get(0).failure(), "replicated without failure");
    }

    private void awaitEntryServiceHoldsTheCurrentItem(String user) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, AttributeValue> item = table.item(campaignId, user);
            assertFalse(item.containsKey("needsReplication"), "still flagged: " + item);
            var copy = entryService
                    .entry(campaignId, user)
                    .orElseThrow(() -> new AssertionError("the entry service has no copy"));
            assertEquals(item.get("updatedAt").s(), copy.get("updatedAt").asText(), "the entry service's version");
            assertEquals(item.get("score").n(), copy.get("score").asText(), "the entry service's score");
        });
    }

    private void put(String user, String updatedAt, Integer score) {
        table.put(campaignId, user, true, item -> {
            item.put("updatedAt", AttributeValue.fromS(updatedAt));
            if (score == null) {
                item.remove("score");
            } else {
                item.put("score", AttributeValue.fromN(score.toString()));
            }
        });
    }

    private String message(String user, String operation) {
        return "{\"entry\":{\"pk\":\"CAMPAIGN#" + campaignId + "\",\"sk\":\"USER#" + user + "\"},\"operation\":\""
                + operation + "\"}";
    }
}
