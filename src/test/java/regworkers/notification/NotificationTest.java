package regworkers.notification;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import regworkers.platform.QueueContract;
import regworkers.platform.markets.MarketSelectionRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import standins.DemoData;
import standins.ScoringRecord;
import support.KafkaTopic;
import support.Queues;

/**
 * The notification stack on the real stack: a selected market whose notify time passes is enqueued once by the leader's
 * schedule, and notificationGenerator publishes one notification per winner to SNS {@code notifications}, read here
 * from an SQS queue subscribed to the topic, as the downstream sender would.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class NotificationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SENDER_QUEUE = "notification-sender-test";
    private static final String MARKET = "market-123";
    private static final String DATE = "2024-03-01";

    @Inject
    CamelContext camel;

    private final LocalStack stack = LocalStack.shared();
    private final Queues queues = new Queues(stack);
    private final List<Message> received = new ArrayList<>();

    @BeforeAll
    static void subscribeTheSender() {
        LocalStack.shared().subscribeTestQueue("notifications", SENDER_QUEUE);
    }

    @Test
    void aMarketWhoseNotifyTimePassesGetsExactlyOneNotificationPerWinner() throws Exception {
        Instant notifyAt = Instant.now().plusSeconds(5);
        String campaignId = campaign(notifyAt, 120);
        select(campaignId, 400);

        assertTrue(notificationsOf(campaignId, Duration.ofSeconds(2)).isEmpty(), "nothing before the notify time");
        List<JsonNode> notifications = awaitNotifications(campaignId, 120);

        assertTrue(Instant.now().isAfter(notifyAt));
        assertExactlyOnePerWinner(campaignId, notifications, 120);
        JsonNode first = notifications.get(0);
        assertEquals("PRESALE_CODE", first.get("type").asText());
        assertEquals("Los Angeles", first.get("marketName").asText());
        assertFalse(first.toString().contains("@"), "no email in a notification");
        try (KafkaTopic kafka = new KafkaTopic(stack.kafkaBootstrapServers(), "registration.data")) {
            ConsumerRecord<String, String> event = kafka.await(
                            r -> campaignId.equals(r.key()) && r.value().contains("\"notification\""),
                            1,
                            Duration.ofSeconds(30))
                    .get(0);
            assertEquals(
                    120,
                    JSON.readTree(event.value())
                            .get("data")
                            .get("notifications")
                            .asInt());
        }
        assertEquals("NOTIFIED", targetStatus(campaignId));
    }

    @Test
    void aSecondSchedulerAndAReRunAddNothing() throws Exception {
        String campaignId = campaign(Instant.now().minusSeconds(60), 30);
        select(campaignId, 60);
        List<CompletableFuture<Void>> schedulers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            schedulers.add(CompletableFuture.runAsync(() -> given().contentType("application/json")
                    .body("{}")
                    .post("/workers/getMarketsToNotify/invoke")
                    .then()
                    .statusCode(200)));
        }
        schedulers.forEach(CompletableFuture::join);
        assertExactlyOnePerWinner(campaignId, awaitNotifications(campaignId, 30), 30);

        queues.send("notificationQueue", target(campaignId));
        given().contentType("application/json")
                .body("{}")
                .post("/workers/getMarketsToNotify/invoke")
                .then()
                .statusCode(200);
        assertTrue(notificationsOf(campaignId, Duration.ofSeconds(4)).isEmpty(), "a re-run sends nothing");
        assertEquals(
                30, received.stream().filter(m -> m.body().contains(campaignId)).count());
    }

    @Test
    void aGeneratorThatStopsMidMarketIsResumedWithoutDuplicates() throws Exception {
        String campaignId = campaign(Instant.now().plusSeconds(3600), 130);
        select(campaignId, 200);
        List<JsonNode> notifications = new ArrayList<>();
        camel.getRouteController().stopRoute("notificationGenerator");
        try {
            // one slice, then the market is handed to a continuation message: %test.notification.batches-per-message=5
            // PublishBatch calls of up to 10 winners of one stored part (%test.selection.part-size=7): 35 notifications
            given().contentType("application/json")
                    .body(target(campaignId))
                    .post("/workers/notificationGenerator/invoke")
                    .then()
                    .statusCode(200);
            notifications.addAll(awaitNotifications(campaignId, 35));
            assertEquals(35, notifications.size());
            assertTrue(notificationsOf(campaignId, Duration.ofSeconds(2)).isEmpty(), "the rest waits for a generator");
            // a generator that died while it held the market: the next one takes over after owner-timeout (3 s)
            stack.dynamo()
                    .updateItem(b -> b.tableName("demand-table")
                            .key(NotificationTargets.key(market(campaignId)))
                            .updateExpression("SET #owner = :dead, heartbeatAt = :now")
                            .expressionAttributeNames(Map.of("#owner", "owner"))
                            .expressionAttributeValues(Map.of(
                                    ":dead",
                                    AttributeValue.fromS("crashed-generator"),
                                    ":now",
                                    AttributeValue.fromN(Long.toString(System.currentTimeMillis() - 2_000)))));
            queues.send("notificationQueue", target(campaignId)); // a duplicate message for the same market
        } finally {
            camel.getRouteController().startRoute("notificationGenerator");
        }
        notifications.addAll(awaitNotifications(campaignId, 130 - 35));
        assertExactlyOnePerWinner(campaignId, notifications, 130);
        assertTrue(notificationsOf(campaignId, Duration.ofSeconds(3)).isEmpty(), "no duplicate afterwards");
        assertEquals("NOTIFIED", targetStatus(campaignId));
    }

    @Test
    void aCampaignServiceOutageWhileAMarketIsNotifiedCostsOnlyDelay() throws Exception {
        String campaignId = campaign(Instant.now().plusSeconds(3600), 130);
        select(campaignId, 200);
        queues.purge("notificationQueue-dlq");
        stack.standIns().campaign().faults(standins.Faults.serviceDown());
        try {
            // the generator claims the market for its message, then fails on the campaign service: the worker pauses
            // and
            // the message, run again later, takes its own claim back (it used to meet it as another owner's)
            queues.send("notificationQueue", target(campaignId));
            assertTrue(notificationsOf(campaignId, Duration.ofSeconds(10)).isEmpty());
        } finally {
            stack.standIns().campaign().faults(standins.Faults.NONE);
        }
        assertExactlyOnePerWinner(campaignId, awaitNotifications(campaignId, 130), 130);
        assertTrue(notificationsOf(campaignId, Duration.ofSeconds(2)).isEmpty(), "no duplicate afterwards");
        assertEquals("NOTIFIED", targetStatus(campaignId));
        assertEquals(List.of(), queues.drain("notificationQueue-dlq", Duration.ofSeconds(1)));
    }

    @Test
    void aMarketWithoutSelectionIsNotNotified() throws Exception {
        String campaignId = campaign(Instant.now().minusSeconds(60), 10);
        given().contentType("application/json")
                .body("{}")
                .post("/workers/getMarketsToNotify/invoke")
                .then()
                .statusCode(200);
        assertTrue(notificationsOf(campaignId, Duration.ofSeconds(3)).isEmpty());

        queues.send("notificationQueue", target(campaignId));
        List<Message> dead = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> queues.drain("notificationQueue-dlq", Duration.ofSeconds(1)).stream()
                                .filter(m -> m.body().contains(campaignId))
                                .toList(),
                        list -> !list.isEmpty());
        assertEquals("NOT_SELECTED", Queues.attribute(dead.get(0), QueueContract.FAILURE_REASON));
    }

    // ---- helpers

    /** A campaign whose market-123 (capacity {@code capacity}) is to be notified at {@code notifyAt}. */
    private String campaign(Instant notifyAt, int capacity) {
        String campaignId = "campaign-" + UUID.randomUUID();
        ObjectNode campaign =
                DemoData.campaign(Instant.now()).put("id", campaignId).put("slug", "slug-" + campaignId);
        ArrayNode markets = campaign.putArray("markets");
        markets.addObject()
                .put("id", MARKET)
                .put("name", "Los Angeles")
                .put("capacity", capacity)
                .put("notifyAt", notifyAt.toString());
        stack.standIns().campaign().seedCampaign(campaign);
        return campaignId;
    }

    /** Selects the market among {@code entrants} scored entrants, with a code for each winner. */
    private void select(String campaignId, int entrants) {
        List<ScoringRecord> records = new ArrayList<>();
        for (int i = 0; i < entrants; i++) {
            records.add(new ScoringRecord("fan-" + i, (double) (i * 7 % 1000)));
        }
        stack.standIns().entry().seedScoringRecords(campaignId, MARKET, records);
        stack.standIns().code().seedCodePool(campaignId, MARKET, entrants);
        given().contentType("application/json")
                .body(target(campaignId))
                .post("/workers/enqueueMarketSelections/invoke")
                .then()
                .statusCode(200);
    }

    private static MarketSelectionRequest market(String campaignId) {
        return new MarketSelectionRequest(campaignId, MARKET, DATE);
    }

    private static String target(String campaignId) {
        return "{\"campaignId\":\"" + campaignId + "\",\"marketId\":\"" + MARKET + "\",\"dateId\":\"" + DATE + "\"}";
    }

    /** Reads the sender's queue for a while; answers the notifications of the campaign that arrived meanwhile. */
    private List<JsonNode> notificationsOf(String campaignId, Duration window) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (Message message : queues.drain(SENDER_QUEUE, window)) {
            received.add(message);
            if (message.body().contains(campaignId)) {
                found.add(JSON.readTree(message.body()));
            }
        }
        return found;
    }

    private List<JsonNode> awaitNotifications(String campaignId, int count) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (all.size() < count && System.nanoTime() < deadline) {
            all.addAll(notificationsOf(campaignId, Duration.ofSeconds(1)));
        }
        return all;
    }

    private void assertExactlyOnePerWinner(String campaignId, List<JsonNode> notifications, int winners) {
        assertEquals(winners, notifications.size(), "one notification per winner");
        Set<String> ids = new HashSet<>();
        Set<String> users = new HashSet<>();
        Set<String> codes = new HashSet<>();
        for (JsonNode notification : notifications) {
            assertEquals(campaignId, notification.get("campaignId").asText());
            ids.add(notification.get("notificationId").asText());
            users.add(notification.get("globalUserId").asText());
            codes.add(notification.get("code").asText());
        }
        assertEquals(winners, ids.size(), "no duplicate notification");
        assertEquals(winners, users.size(), "one per winner");
        assertEquals(winners, codes.size(), "each with the winner's own code");
    }

    private String targetStatus(String campaignId) {
        return stack.dynamo()
                .getItem(b -> b.tableName("demand-table")
                        .key(NotificationTargets.key(market(campaignId)))
                        .consistentRead(true))
                .item()
                .get("status")
                .s();
    }
}
