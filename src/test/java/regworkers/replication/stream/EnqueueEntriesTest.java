package regworkers.replication.stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import regworkers.platform.cluster.LeaseTable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import support.DemandTableEntries;
import support.Queues;

/**
 * The app's enqueueEntries route on the real stream and saveEntriesQueue; a second replica's reader is polled through
 * the same poll steps on a route of its own ({@link PolledReader}). The saveEntries consumer (when this process runs
 * it) is stopped meanwhile, so what lands on the queue stays there to be looked at.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnqueueEntriesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUEUE = "saveEntriesQueue";
    private static final String ROUTE = "enqueueEntries";
    private static final String SAVE_ENTRIES_ROUTE = "saveEntries";

    @Inject
    CamelContext camel;

    @Inject
    StreamReader appReader;

    @Inject
    StreamReaderConfig config;

    private final LocalStack stack = LocalStack.shared();
    private final SqsClient sqs = stack.sqs();
    private final Queues queues = new Queues(stack);
    private final DemandTableEntries entries = new DemandTableEntries(stack.dynamo());
    private boolean saveEntriesWasStarted;
    private String campaign;
    private Arrivals arrivals;

    @BeforeAll
    void holdSaveEntries() throws Exception {
        if (camel.getRoute(SAVE_ENTRIES_ROUTE) != null
                && camel.getRouteController().getRouteStatus(SAVE_ENTRIES_ROUTE).isStarted()) {
            camel.getRouteController().stopRoute(SAVE_ENTRIES_ROUTE);
            saveEntriesWasStarted = true;
        }
    }

    @AfterAll
    void releaseSaveEntries() throws Exception {
        // what this class left on the queue is its own test data: the entry service must not see it
        queues.purge(QUEUE);
        if (saveEntriesWasStarted) {
            camel.getRouteController().startRoute(SAVE_ENTRIES_ROUTE);
        }
    }

    @BeforeEach
    void ownCampaign() {
        campaign = "enqueue-" + UUID.randomUUID().toString().substring(0, 8);
        arrivals = new Arrivals(sqs, queues.url(QUEUE), campaign);
    }

    @AfterEach
    void readerRunning() throws Exception {
        if (camel.getRouteController().getRouteStatus(ROUTE) != ServiceStatus.Started) {
            camel.getRouteController().startRoute(ROUTE);
        }
    }

    @Test
    void anEntryThatNeedsReplicationReachesSaveEntriesQueueAndItsDeleteToo() throws Exception {
        Map<String, AttributeValue> flagged = entries.put(campaign, "u1", true);
        entries.put(campaign, "u2", false);
        entries.delete(campaign, "u1");

        await().atMost(Duration.ofSeconds(20)).until(() -> arrivals.receive().has("u1", "REMOVE"));
        arrivals.receive();
        assertEquals(1, arrivals.count("u1", "INSERT"));
        assertEquals(0, arrivals.count("u2", "INSERT"), "needsReplication=false is not replicated");
        Arrivals.Arrival insert = arrivals.all().stream()
                .filter(a -> a.operation().equals("INSERT"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                JSON.readTree("""
                {"entry": {"pk": "CAMPAIGN#%1$s", "sk": "USER#u1", "globalUserId": "u1", "campaignId": "%1$s",
                           "fields": "{\\"markets\\":[\\"market-123\\"],\\"ticket_count\\":2}", "score": 850,
                           "needsReplication": true, "verdicts": {"market-123": {"status": "PENDING", "code": null}},
                           "createdAt": "%2$s", "updatedAt": "%2$s"},
                 "operation": "INSERT"}""".formatted(campaign, flagged.get("createdAt").s())), insert.body());
        assertNotNull(insert.correlationId(), "the stream record's eventID travels as correlationId");
        Arrivals.Arrival remove = arrivals.all().stream()
                .filter(a -> a.operation().equals("REMOVE"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "CAMPAIGN#" + campaign, remove.body().path("entry").path("pk").asText());
        assertEquals("u1", remove.body().path("entry").path("globalUserId").asText(), "a REMOVE carries the old image");
    }

    @Test
    void entriesWrittenWhileTheReaderIsStoppedAllArriveOnceItStarts() throws Exception {
        entries.put(campaign, "before", true);
        await().atMost(Duration.ofSeconds(20)).until(() -> arrivals.receive().has("before", "INSERT"));

        camel.getRouteController().stopRoute(ROUTE);
        assertFalse(appReader.isLeader(), "a stopped reader gives its lease up");
        List<String> users = List.of("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12");
        users.forEach(user -> entries.put(campaign, user, true));
        queues.drain(QUEUE, Duration.ofSeconds(2))
                .forEach(message ->
                        assertFalse(message.body().contains(campaign), "nothing is read while the reader is stopped"));

        camel.getRouteController().startRoute(ROUTE);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> users.stream().allMatch(user -> arrivals.receive().has(user, "INSERT")));
        queues.drain(QUEUE, Duration.ofSeconds(2));
        arrivals.receive();
        users.forEach(user -> assertEquals(1, arrivals.count(user, "INSERT"), user + " exactly once"));
        assertEquals(1, arrivals.count("before", "INSERT"), "nothing before the checkpoint is sent again");
    }

    @Test
    void twoReadersNeverBothForwardAndTheOtherTakesOverWhenTheHolderStopsRenewing() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(appReader::isLeader);
        PolledReader second = new PolledReader(
                camel,
                new StreamReader(
                        stack.dynamo(),
                        stack.dynamoStreams(),
                        sqs,
                        JSON,
                        "second-" + UUID.randomUUID(),
                        Clock.systemUTC(),
                        config,
                        new SimpleMeterRegistry()));
        AtomicInteger bothLeaders = new AtomicInteger();
        AtomicBoolean secondEverLed = new AtomicBoolean();
        AtomicInteger secondPolls = new AtomicInteger();
        ScheduledExecutorService secondProcess = Executors.newSingleThreadScheduledExecutor();
        secondProcess.scheduleWithFixedDelay(
                () -> {
                    second.poll(); // a failed poll answers its summary: a throw here is a broken test route
                    secondPolls.incrementAndGet();
                    secondEverLed.compareAndSet(false, second.isLeader());
                    if (second.isLeader() && appReader.isLeader()) {
                        bothLeaders.incrementAndGet();
                    }
                },
                0,
                200,
                TimeUnit.MILLISECONDS);
        try {
            // steady state: the app's reader holds the lease, the second one polls in vain
            List<String> first = List.of("a1", "a2", "a3", "a4", "a5");
            first.forEach(user -> entries.put(campaign, user, true));
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            first.stream().allMatch(user -> arrivals.receive().has(user, "INSERT")));
            assertTrue(secondPolls.get() > 0, "the second reader polled");
            assertFalse(secondEverLed.get(), "the second reader never got the lease while the app's renewed it");
            assertEquals(0, bothLeaders.get());

            // the app's reader stops (and releases): the second takes over at once, from the checkpoint
            camel.getRouteController().stopRoute(ROUTE);
            await().atMost(Duration.ofSeconds(10)).until(second::isLeader);
            camel.getRouteController().startRoute(ROUTE);
            List<String> secondBatch = List.of("b1", "b2", "b3", "b4", "b5");
            secondBatch.forEach(user -> entries.put(campaign, user, true));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> secondBatch.stream()
                            .allMatch(user -> arrivals.receive().has(user, "INSERT")));
            assertFalse(appReader.isLeader(), "the app's reader waits while the second renews");

            // the second stops renewing without releasing (a crash): the app's reader takes over once the lease expired
            secondProcess.shutdown();
            assertTrue(secondProcess.awaitTermination(30, TimeUnit.SECONDS));
            LeaseTable leases = new LeaseTable(stack.dynamo(), config.leaseTable(), config.consumer(), config.table());
            LeaseTable.Holder holder = leases.holder().orElseThrow();
            assertEquals(second.ownerId(), holder.owner());
            Instant expires = holder.until();
            List<String> third = List.of("c1", "c2", "c3", "c4", "c5");
            third.forEach(user -> entries.put(campaign, user, true));
            await().atMost(Duration.ofSeconds(30)).until(appReader::isLeader);
            assertFalse(Instant.now().isBefore(expires), "taken over only after the lease expired");
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            third.stream().allMatch(user -> arrivals.receive().has(user, "INSERT")));

            queues.drain(QUEUE, Duration.ofSeconds(2));
            arrivals.receive();
            for (List<String> users : List.of(first, secondBatch, third)) {
                users.forEach(
                        user -> assertEquals(1, arrivals.count(user, "INSERT"), user + " forwarded exactly once"));
            }
        } finally {
            secondProcess.shutdownNow();
            second.close();
        }
    }

    @Test
    void theInvokeEndpointForwardsTheSeedsStreamEvent() throws Exception {
        String event = """
                {"Records": [
                  {"eventName": "INSERT", "dynamodb": {
                    "Keys": {"pk": {"S": "CAMPAIGN#%1$s"}, "sk": {"S": "USER#user-456"}},
                    "NewImage": {"pk": {"S": "CAMPAIGN#%1$s"}, "sk": {"S": "USER#user-456"}, "globalUserId": {"S": "user-456"},
                                 "campaignId": {"S": "%1$s"}, "needsReplication": {"BOOL": true},
                                 "fields": {"S": "{\\"email\\":\\"fan@example.com\\"}"}}}},
                  {"eventName": "MODIFY", "dynamodb": {
                    "Keys": {"pk": {"S": "CAMPAIGN#%1$s"}, "sk": {"S": "USER#user-789"}},
                    "NewImage": {"pk": {"S": "CAMPAIGN#%1$s"}, "sk": {"S": "USER#user-789"}, "needsReplication": {"BOOL": false}}}},
                  {"eventName": "REMOVE", "dynamodb": {
                    "Keys": {"pk": {"S": "CAMPAIGN#%1$s"}, "sk": {"S": "USER#user-000"}}}}
                ]}""".formatted(campaign);

        String answer = given().contentType("application/json")
                .body(event)
                .when()
                .post("/workers/enqueueEntries/invoke")
                .then()
                .statusCode(200)
                .extract()
                .asString();

        JsonNode result = JSON.readTree(answer).path("result");
        assertEquals(
                JSON.readTree("{\"received\": 3, \"forwarded\": 2, \"skipped\": 1, \"failed\": 0}"),
                result.path("count"),
                answer);
        assertEquals(0, result.path("batchItemFailures").size());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> arrivals.receive().has("user-456", "INSERT") && arrivals.has("user-000", "REMOVE"));
        Arrivals.Arrival insert = arrivals.all().stream()
                .filter(a -> a.operation().equals("INSERT"))
                .findFirst()
                .orElseThrow();
        assertEquals(JSON.readTree("""
                {"entry": {"pk": "CAMPAIGN#%1$s", "sk": "USER#user-456", "globalUserId": "user-456", "campaignId": "%1$s",
                           "needsReplication": true, "fields": "{\\"email\\":\\"fan@example.com\\"}"},
                 "operation": "INSERT"}""".formatted(campaign)), insert.body());
        assertEquals(0, arrivals.count("user-789", "MODIFY"));
    }
}
