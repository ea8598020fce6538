package regworkers.datapipeline;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import regworkers.platform.QueueContract;
import software.amazon.awssdk.services.sqs.model.Message;
import support.KafkaTopic;
import support.Queues;

/** processData -> SNS -> sendData-{type} -> Kafka, through the real servers. */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class DataPipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "registration.data";

    private final LocalStack stack = LocalStack.shared();
    private final Queues queues = new Queues(stack);
    private KafkaTopic kafka;

    @BeforeEach
    void readTopic() {
        kafka = new KafkaTopic(stack.kafkaBootstrapServers(), TOPIC);
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void aValidEventLandsOnKafkaKeyedByCampaignWithItsCorrelationId() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        queues.send(
                "processDataQueue", registration(campaignId, "user-1"), Map.of("correlationId", "corr-" + campaignId));

        List<ConsumerRecord<String, String>> records =
                kafka.await(r -> campaignId.equals(r.key()), 1, Duration.ofSeconds(30));
        assertEquals(1, records.size());
        ConsumerRecord<String, String> record = records.get(0);
        assertEquals("corr-" + campaignId, KafkaTopic.header(record, "correlationId"));
        JsonNode value = JSON.readTree(record.value());
        assertEquals(Set.of("type", "data"), fieldNames(value));
        assertEquals("registration", value.get("type").asText());
        assertEquals(JSON.readTree(registration(campaignId, "user-1")).get("data"), value.get("data"));
        assertTrue(KafkaTopic.header(record, "eventId").matches("[0-9a-f-]{36}"));
    }

    @Test
    void eachTypeFansOutToItsOwnQueueAndOnToKafka() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        queues.send("processDataQueue", selection(campaignId));
        queues.send("processDataQueue", user(campaignId));

        List<ConsumerRecord<String, String>> records =
                kafka.await(r -> campaignId.equals(r.key()), 2, Duration.ofSeconds(30));
        assertEquals(
                Set.of("selection", "user"),
                records.stream().map(r -> type(r.value())).collect(Collectors.toSet()));
    }

    @Test
    void aBurstOfEventsLandsEachEventOnce() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        int events = 25;
        IntStream.range(0, events)
                .parallel()
                .forEach(i -> queues.send("processDataQueue", registration(campaignId, "burst-" + i)));

        kafka.await(r -> campaignId.equals(r.key()), events, Duration.ofSeconds(30));
        // a copy published twice would come shortly after: keep reading a while
        List<ConsumerRecord<String, String>> landed =
                kafka.collect(r -> campaignId.equals(r.key()), Duration.ofSeconds(2));
        assertEquals(
                IntStream.range(0, events).mapToObj(i -> "burst-" + i).collect(Collectors.toSet()),
                landed.stream().map(r -> globalUserId(r.value())).collect(Collectors.toSet()));
        assertEquals(events, landed.size(), "each event once");
        assertEquals(
                events,
                landed.stream()
                        .map(r -> KafkaTopic.header(r, "eventId"))
                        .collect(Collectors.toSet())
                        .size(),
                "one envelope id per event");
        assertTrue(
                queues.drain("processDataQueue-dlq", Duration.ofSeconds(1)).stream()
                        .noneMatch(m -> m.body().contains(campaignId)),
                "nothing of the burst dead-lettered");
    }

    @Test
    void invokePublishesEachRecordAndReportsTheOneItCannot() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        given().contentType("application/json")
                .body("{\"Records\":[{\"messageId\":\"m-1\",\"body\":" + registration(campaignId, "invoked")
                        + "},{\"messageId\":\"m-2\",\"body\":{\"type\":\"concert-review\",\"data\":{}}}]}")
                .post("/workers/processData/invoke")
                .then()
                .statusCode(200)
                .body("count.processed", equalTo(1))
                .body("count.failed", equalTo(1))
                .body("batchItemFailures[0].itemIdentifier", equalTo("m-2"))
                .body("batchItemFailures[0].reason", equalTo("UNKNOWN_TYPE"));

        List<ConsumerRecord<String, String>> landed =
                kafka.await(r -> campaignId.equals(r.key()), 1, Duration.ofSeconds(30));
        assertEquals("invoked", globalUserId(landed.get(0).value()));
    }

    @Test
    void badMessagesGoToTheDeadLetterQueueAtOnceWhileTheirNeighboursLand() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        queues.send("processDataQueue", registration(campaignId, "before"));
        queues.send("processDataQueue", "{\"type\":\"registration\",\"data\":{\"campaignId\":" + campaignId);
        queues.send(
                "processDataQueue", "{\"type\":\"concert-review\",\"data\":{\"campaignId\":\"" + campaignId + "\"}}");
        queues.send("processDataQueue", registration(campaignId, "after"));

        List<ConsumerRecord<String, String>> landed =
                kafka.await(r -> campaignId.equals(r.key()), 2, Duration.ofSeconds(30));
        assertEquals(
                Set.of("before", "after"),
                landed.stream().map(r -> globalUserId(r.value())).collect(Collectors.toSet()));

        List<Message> dead = awaitDeadLetters("processDataQueue-dlq", campaignId, 2);
        Map<String, String> reasons = dead.stream()
                .collect(Collectors.toMap(
                        m -> m.body().contains("concert-review") ? "unknown" : "malformed",
                        m -> Queues.attribute(m, QueueContract.FAILURE_REASON)));
        assertEquals(Map.of("malformed", "MALFORMED_JSON", "unknown", "UNKNOWN_TYPE"), reasons);
        dead.forEach(m -> assertEquals(
                "1", Queues.attribute(m, QueueContract.RECEIVE_COUNT), "dead-lettered on the first receive"));
        dead.forEach(m -> assertEquals("processData", Queues.attribute(m, QueueContract.FAILED_WORKER)));
    }

    @Test
    void aDeadLettersAttributesCarryNoPersonalData() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        // the failure's detail quotes the type, which is an email and a phone number here; the producer's
        // correlation id is an email
        queues.send(
                "processDataQueue",
                "{\"type\":\"fan@example.com 4155552671\",\"data\":{\"campaignId\":\"" + campaignId + "\"}}",
                Map.of("correlationId", "fan@example.com"));

        Message dead = awaitDeadLetters("processDataQueue-dlq", campaignId, 1).get(0);
        assertEquals("UNKNOWN_TYPE", Queues.attribute(dead, QueueContract.FAILURE_REASON));
        String detail = Queues.attribute(dead, QueueContract.FAILURE_DETAIL);
        assertTrue(detail.contains("unknown data type '[REDACTED_EMAIL] [REDACTED_PHONE]'"), detail);
        String correlationId = Queues.attribute(dead, "correlationId");
        assertTrue(
                correlationId != null && !correlationId.contains("@") && !correlationId.contains("REDACTED"),
                "an email is not taken as a correlation id: " + correlationId);
    }

    @Test
    void aSchemaInvalidEventIsDeadLetteredBySendDataWithTheErrors() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        queues.send(
                "processDataQueue",
                "{\"type\":\"registration\",\"data\":{\"campaignId\":\"" + campaignId
                        + "\",\"marketIds\":[],\"registeredAt\":\"2024-01-15T10:30:00Z\"}}");
        queues.send("processDataQueue", registration(campaignId, "valid-neighbour"));

        assertEquals(
                1,
                kafka.await(r -> campaignId.equals(r.key()), 1, Duration.ofSeconds(30))
                        .size());
        List<Message> dead = awaitDeadLetters("sendData-registration-dlq", campaignId, 1);
        assertEquals("SCHEMA_INVALID", Queues.attribute(dead.get(0), QueueContract.FAILURE_REASON));
        String detail = Queues.attribute(dead.get(0), QueueContract.FAILURE_DETAIL);
        assertTrue(detail.contains("globalUserId") && detail.contains("marketIds"), detail);
        assertEquals("sendData", Queues.attribute(dead.get(0), QueueContract.FAILED_WORKER));
        assertTrue(
                kafka.collect(r -> campaignId.equals(r.key()), Duration.ofSeconds(2)).stream()
                        .noneMatch(r -> r.value().contains("\"marketIds\":[]")),
                "the invalid event never reaches Kafka");
    }

    @Test
    void nothingIsLostWhileKafkaIsDown() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        stack.stopKafka();
        try {
            IntStream.range(0, 20).forEach(i -> queues.send("processDataQueue", registration(campaignId, "user-" + i)));
            Thread.sleep(8_000);
        } finally {
            stack.startKafka();
        }
        List<ConsumerRecord<String, String>> landed =
                kafka.await(r -> campaignId.equals(r.key()), 20, Duration.ofSeconds(90));
        assertEquals(
                IntStream.range(0, 20).mapToObj(i -> "user-" + i).collect(Collectors.toSet()),
                landed.stream().map(r -> globalUserId(r.value())).collect(Collectors.toSet()));
        assertTrue(queues.drain("sendData-registration-dlq", Duration.ofSeconds(1)).stream()
                .noneMatch(m -> m.body().contains(campaignId)));
    }

    private List<Message> awaitDeadLetters(String dlq, String marker, int count) {
        List<Message> found = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (found.size() < count && System.nanoTime() < deadline) {
            found.addAll(queues.drain(dlq, Duration.ofSeconds(1)).stream()
                    .filter(m -> m.body().contains(marker))
                    .toList());
        }
        assertEquals(count, found.size(), "dead letters of " + marker + " in " + dlq);
        return found;
    }

    static String registration(String campaignId, String globalUserId) {
        return "{\"type\":\"registration\",\"data\":{\"campaignId\":\"" + campaignId + "\",\"globalUserId\":\""
                + globalUserId
                + "\",\"marketIds\":[\"market-123\"],\"registeredAt\":\"2024-01-15T10:30:00Z\",\"fields\":{\"ticket_count\":2}}}";
    }

    static String selection(String campaignId) {
        return "{\"type\":\"selection\",\"data\":{\"campaignId\":\"" + campaignId
                + "\",\"marketId\":\"market-123\",\"dateId\":\"2024-03-01\","
                + "\"globalUserId\":\"user-9\",\"code\":\"C-1\",\"rank\":1,\"selectedAt\":\"2024-03-01T10:00:00Z\"}}";
    }

    static String user(String campaignId) {
        return "{\"type\":\"user\",\"data\":{\"campaignId\":\"" + campaignId
                + "\",\"globalUserId\":\"user-9\",\"action\":\"UPSERTED\","
                + "\"updatedAt\":\"2024-03-01T10:00:00Z\"}}";
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String type(String value) {
        try {
            return JSON.readTree(value).get("type").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String globalUserId(String value) {
        try {
            return JSON.readTree(value).path("data").path("globalUserId").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
