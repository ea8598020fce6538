package regworkers.selection;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.junit.jupiter.api.Test;
import regworkers.platform.QueueContract;
import regworkers.platform.markets.MarketSelectionRequest;
import regworkers.platform.markets.RecordedWinners;
import regworkers.platform.markets.Selection;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import standins.CodeStandIn;
import standins.DemoData;
import standins.EntryStandIn;
import standins.Faults;
import standins.ScoringRecord;
import support.DemandTableEntries;
import support.Queues;

/**
 * The selection stack on the real stack: enqueueMarketSelections over REST and invoke, saveSelections,
 * markAssignedCodes and refreshSelections against DynamoDB Local, fauxqs and the campaign, entry and code stand-ins.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class SelectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARKET = "market-123";
    private static final String OTHER_MARKET = "market-456";
    private static final String DATE = "2024-03-01";

    @Inject
    SelectionRuns runs;

    @Inject
    RecordedWinners recorded;

    private final LocalStack stack = LocalStack.shared();
    private final Queues queues = new Queues(stack);
    private final EntryStandIn entryService = stack.standIns().entry();
    private final CodeStandIn codeService = stack.standIns().code();
    private final DemandTableEntries table = new DemandTableEntries(stack.dynamo());

    @Test
    void theSeedsInvokeEventWorksAsWritten() throws Exception {
        DemoData.seed(stack.standIns());
        String seedEvent = """
                {
                  "campaignId": "campaign-123",
                  "dateId": "2024-03-01",
                  "marketId": "market-456"
                }""";
        JsonNode summary = JSON.readTree(given().contentType("application/json")
                        .body(seedEvent)
                        .post("/workers/enqueueMarketSelections/invoke")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .path("result");
        assertTrue(summary.isObject(), "the worker's result is a JSON object, not a string: " + summary);
        assertEquals(DemoData.SELECTION_CAPACITY, summary.get("winners").asInt());
        assertEquals(
                DemoData.SELECTION_ENTRANTS,
                summary.get("scoredEntries").asInt()
                        + summary.get("unscoredEntries").asInt());
        assertEquals(
                DemoData.SELECTION_CAPACITY,
                codeService
                        .reservedCodes(DemoData.SELECTION_CAMPAIGN_ID, DemoData.SELECTION_MARKET)
                        .size());
    }

    @Test
    void theSeedsInvokeEventSelectsAndEveryRecordAgreesAtTheEnd() throws Exception {
        String campaignId = campaign(Map.of(MARKET, 6, OTHER_MARKET, 4));
        List<ScoringRecord> records = scoredEntrants(campaignId, 15, MARKET);
        entryService.seedScoringRecords(campaignId, MARKET, records);
        codeService.seedCodePool(campaignId, MARKET, 50);

        JsonNode result = invoke(campaignId, MARKET, DATE);
        assertEquals(6, result.get("winners").asInt());
        assertEquals(0, result.get("shortfall").asInt());
        assertFalse(result.get("rerun").asBoolean());

        List<String> expectedWinners = records.stream()
                .sorted((a, b) -> Double.compare(b.score(), a.score()))
                .limit(6)
                .map(ScoringRecord::globalUserId)
                .toList();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> codeService.assignedCodes(campaignId, MARKET).size() == 6);

        Map<String, String> assignments = entryService.assignments(campaignId, MARKET);
        assertEquals(Set.copyOf(expectedWinners), assignments.keySet(), "the 6 best scores won");
        Map<String, String> verdictCodes = new HashMap<>();
        for (ScoringRecord record : records) {
            String code = verdictCode(campaignId, record.globalUserId(), MARKET);
            if (code != null) {
                verdictCodes.put(record.globalUserId(), code);
            }
        }
        assertEquals(assignments, verdictCodes, "verdicts in demand-table = entry-service assignments");
        assertEquals(
                Set.copyOf(assignments.values()),
                Set.copyOf(codeService.assignedCodes(campaignId, MARKET)),
                "code-service marks = the codes the winners hold");
        assertEquals(6, Set.copyOf(assignments.values()).size(), "no code is held by two fans");
        assertEquals(6, codeService.reservedCodes(campaignId, MARKET).size(), "one code reserved per winner, no more");
        for (int rank = 1; rank <= 6; rank++) {
            assertEquals(
                    rank,
                    verdictRank(campaignId, expectedWinners.get(rank - 1), MARKET),
                    "rank of " + expectedWinners.get(rank - 1));
        }
    }

    @Test
    void aReRunReservesNothingAndEmitsTheSameWinnersAndRanks() throws Exception {
        String campaignId = campaign(Map.of(MARKET, 5));
        entryService.seedScoringRecords(campaignId, MARKET, tiedScores(40));
        codeService.seedCodePool(campaignId, MARKET, 20);

        JsonNode first =
                trigger(campaignId, MARKET, DATE).statusCode(200).extract().as(JsonNode.class);
        List<JsonNode> firstRun = assignRequests(campaignId, 1);
        JsonNode second =
                trigger(campaignId, MARKET, DATE).statusCode(200).extract().as(JsonNode.class);

        assertFalse(first.get("rerun").asBoolean());
        assertTrue(second.get("rerun").asBoolean());
        assertEquals(5, first.get("winners").asInt());
        assertEquals(first.get("winners"), second.get("winners"));
        assertEquals(5, codeService.reservedCodes(campaignId, MARKET).size(), "the second run reserved nothing");
        assertEquals(1, reservationCalls(campaignId));
        List<JsonNode> bothRuns = assignRequests(campaignId, 2);
        assertEquals(
                assignmentsOf(firstRun),
                assignmentsOf(bothRuns.subList(1, 2)),
                "same winners with the same codes, in rank order");
        assertEquals(
                5,
                Set.copyOf(entryService.assignments(campaignId, MARKET).values())
                        .size());
    }

    @Test
    void twoConcurrentInvocationsReserveCodesOnce() throws Exception {
        String campaignId = campaign(Map.of(MARKET, 30));
        entryService.seedScoringRecords(campaignId, MARKET, 5_000, 11);
        codeService.seedCodePool(campaignId, MARKET, 100);

        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return trigger(campaignId, MARKET, DATE)
                        .statusCode(200)
                        .extract()
                        .as(JsonNode.class);
            }));
        }
        start.countDown();
        JsonNode a = calls.get(0).get();
        JsonNode b = calls.get(1).get();

        assertEquals(1, reservationCalls(campaignId), "one reservation call");
        assertEquals(30, codeService.reservedCodes(campaignId, MARKET).size());
        assertTrue(a.get("rerun").asBoolean() != b.get("rerun").asBoolean(), "one selected, the other re-emitted");
        assertEquals(a.get("winners"), b.get("winners"));
    }

    @Test
    void aDryCodePoolSelectsFewerWinnersAndReportsTheShortfall() throws Exception {
        String campaignId = campaign(Map.of(MARKET, 10));
        entryService.seedScoringRecords(campaignId, MARKET, scoredEntrants(campaignId, 25, null));
        codeService.seedCodePool(campaignId, MARKET, 4);

        JsonNode result = invoke(campaignId, MARKET, DATE);
        assertEquals(4, result.get("winners").asInt());
        assertEquals(6, result.get("shortfall").asInt());
        assertEquals(0, codeService.availableCodes(campaignId, MARKET));
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(org.hamcrest.Matchers.containsString("regworkers_selection_code_shortfall_total"));
        assertEquals(4, assignmentsOf(assignRequests(campaignId, 1)).size());
    }

    @Test
    void anAbandonedRunIsTakenOverWithoutReservingAgain() throws Exception {
        String campaignId = campaign(Map.of(MARKET, 8));
        entryService.seedScoringRecords(campaignId, MARKET, scoredEntrants(campaignId, 20, null));
        codeService.seedCodePool(campaignId, MARKET, 30);
        MarketSelectionRequest request = new MarketSelectionRequest(campaignId, MARKET, DATE);
        // an invocation that claimed the run, reserved its codes and died before recording anything
        runs.claim(request);
        given().baseUri(stack.standIns().baseUrl("code"))
                .header("x-api-key", "local")
                .contentType("application/json")
                .body(Map.of("count", 8, "reservationId", request.reservationId()))
                .post("/campaigns/" + campaignId + "/markets/" + MARKET + "/reservations")
                .then()
                .statusCode(200);
        List<String> reservedBefore = codeService.reservedCodes(campaignId, MARKET);

        Thread.sleep(3_500); // %test.selection.claim-timeout=3s
        JsonNode result = invoke(campaignId, MARKET, DATE);

        assertTrue(result.get("resumedAbandonedRun").asBoolean());
        assertEquals(8, result.get("winners").asInt());
        assertEquals(reservedBefore, codeService.reservedCodes(campaignId, MARKET), "nothing more reserved");
        Set<String> emittedCodes = new HashSet<>();
        assignmentsOf(assignRequests(campaignId, 1)).forEach(a -> emittedCodes.add(a.substring(a.indexOf(':') + 1)));
        assertEquals(Set.copyOf(reservedBefore), emittedCodes, "the winners got the codes reserved before the crash");
    }

    @Test
    void aRunTakenOverFromASlowOwnerKeepsStoredEmittedAndAssignedWinnersEqual() throws Exception {
        String campaignId = campaign(Map.of(MARKET, 8));
        List<ScoringRecord> entrants = scoredEntrants(campaignId, 20, null);
        entryService.seedScoringRecords(campaignId, MARKET, entrants);
        codeService.seedCodePool(campaignId, MARKET, 30);
        MarketSelectionRequest request = new MarketSelectionRequest(campaignId, MARKET, DATE);

        // owner A: its first page of scoring records takes longer than the claim timeout (3 s in the test profile)
        entryService.faults(Faults.latency(8_000));
        CompletableFuture<Integer> slowOwner =
                CompletableFuture.supplyAsync(() -> given().contentType("application/json")
                        .body(Map.of("campaignId", campaignId, "dateId", DATE, "marketId", MARKET))
                        .post("/workers/enqueueMarketSelections/invoke")
                        .then()
                        .extract()
                        .statusCode());
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> claimAge(request).orElse(0L) > 3_200);
            // owner B takes the run over and ranks with changed scores; A's page then answers with other scores again
            entryService.faults(Faults.NONE);
            entryService.replaceScoringRecords(campaignId, MARKET, rescored(entrants, 1));
            JsonNode taken = invoke(campaignId, MARKET, DATE);
            assertTrue(taken.get("resumedAbandonedRun").asBoolean(), taken.toString());
            entryService.replaceScoringRecords(campaignId, MARKET, rescored(entrants, 2));
            slowOwner.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            entryService.faults(Faults.NONE);
        }

        List<String> emitted = assignmentsOf(assignRequests(campaignId, 1));
        List<String> stored = new ArrayList<>();
        var run = recorded.stored(request).orElseThrow();
        for (int part = 0; part < run.parts(); part++) {
            recorded.part(request, run, part)
                    .forEach(selection -> stored.add(selection.globalUserId() + ":" + selection.code()));
        }
        assertEquals(emitted, stored, "the stored winners are the emitted ones, with the same codes");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> codeService.assignedCodes(campaignId, MARKET).size() == 8);
        Map<String, String> assignments = entryService.assignments(campaignId, MARKET);
        Map<String, String> verdictCodes = new HashMap<>();
        for (ScoringRecord entrant : entrants) {
            String code = verdictCode(campaignId, entrant.globalUserId(), MARKET);
            if (code != null) {
                verdictCodes.put(entrant.globalUserId(), code);
            }
        }
        assertEquals(assignments, verdictCodes, "verdicts = entry-service assignments");
        assertEquals(
                Set.copyOf(emitted),
                assignments.entrySet().stream()
                        .map(e -> e.getKey() + ":" + e.getValue())
                        .collect(java.util.stream.Collectors.toSet()),
                "entry-service assignments = the emitted winners");
        assertEquals(
                Set.copyOf(assignments.values()),
                Set.copyOf(codeService.assignedCodes(campaignId, MARKET)),
                "code-service marks = the codes the winners hold");
        assertEquals(8, Set.copyOf(assignments.values()).size(), "no code is held by two fans");
    }

    /** The same entrants, their scores shuffled by {@code round}: another ranking. */
    private static List<ScoringRecord> rescored(List<ScoringRecord> entrants, int round) {
        List<ScoringRecord> rescored = new ArrayList<>();
        for (int i = 0; i < entrants.size(); i++) {
            rescored.add(new ScoringRecord(
                    entrants.get(i).globalUserId(), 100.0 + ((i + 7L * round) * 13 % entrants.size())));
        }
        return rescored;
    }

    /** How long ago the run's owner last showed life, if the run is being selected. */
    private java.util.Optional<Long> claimAge(MarketSelectionRequest request) {
        var item = stack.dynamo()
                .getItem(b -> b.tableName(DemandTableEntries.TABLE)
                        .consistentRead(true)
                        .key(Map.of(
                                "pk",
                                AttributeValue.fromS("CAMPAIGN#" + request.campaignId()),
                                "sk",
                                AttributeValue.fromS(request.runKey()))))
                .item();
        if (item == null
                || !item.containsKey("claimedAt")
                || !"SELECTING".equals(item.get("status").s())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(System.currentTimeMillis()
                - Long.parseLong(item.get("claimedAt").n()));
    }

    @Test
    void aRunRecordedButNotEmittedIsEmittedFromTheRecord() throws Exception {
        String campaignId = campaign(Map.of(MARKET, 3));
        MarketSelectionRequest request = new MarketSelectionRequest(campaignId, MARKET, DATE);
        // an invocation that recorded its winners and died before emitting them
        SelectionRun crashed = runs.claim(request);
        crashed.capacity = 3;
        crashed.selections = List.of(
                new Selection("fan-a", "CODE-1", 1),
                new Selection("fan-b", "CODE-2", 2),
                new Selection("fan-c", "CODE-3", 3));
        runs.recordSelected(crashed);

        JsonNode result = invoke(campaignId, MARKET, DATE);

        assertTrue(result.get("rerun").asBoolean());
        assertEquals(0, reservationCalls(campaignId), "no reservation: the record had the codes");
        assertEquals(
                List.of("fan-a:CODE-1", "fan-b:CODE-2", "fan-c:CODE-3"),
                assignmentsOf(assignRequests(campaignId, 1)),
                "the recorded winners with their codes, in rank order");
    }

    @Test
    void aWinnerHoldingAnotherCodeKeepsItAndTheNewCodeIsNotMarked() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        table.put(
                campaignId,
                "holder",
                false,
                item -> item.put(
                        "verdicts",
                        AttributeValue.fromM(Map.of(
                                MARKET,
                                AttributeValue.fromM(Map.of(
                                        "status",
                                        AttributeValue.fromS("SELECTED"),
                                        "code",
                                        AttributeValue.fromS("OLD-CODE")))))));
        table.put(campaignId, "newcomer", false);
        codeService.seedCodePool(campaignId, MARKET, 2);
        List<String> codes = reserve(campaignId, 2);

        queues.send(
                "saveSelectionQueue",
                selectionMessage(
                        campaignId, List.of(Map.entry("holder", codes.get(0)), Map.entry("newcomer", codes.get(1)))));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> codeService.assignedCodes(campaignId, MARKET).size() == 1);
        assertEquals(List.of(codes.get(1)), codeService.assignedCodes(campaignId, MARKET));
        assertEquals("OLD-CODE", verdictCode(campaignId, "holder", MARKET), "never overwritten");
        assertEquals(codes.get(1), verdictCode(campaignId, "newcomer", MARKET), "a PENDING verdict takes its code");
    }

    @Test
    void aCodeServiceOutageWhileCodesAreMarkedLosesNothing() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        codeService.seedCodePool(campaignId, MARKET, 12);
        List<String> codes = reserve(campaignId, 12);
        List<Map.Entry<String, String>> winners = new ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            table.put(campaignId, "fan-" + i, false);
            winners.add(Map.entry("fan-" + i, codes.get(i)));
        }
        codeService.faults(Faults.serviceDown());
        try {
            queues.send("saveSelectionQueue", selectionMessage(campaignId, winners.subList(0, 6)));
            queues.send("saveSelectionQueue", selectionMessage(campaignId, winners.subList(6, 12)));
            Thread.sleep(3_000);
            assertTrue(
                    codeService.assignedCodes(campaignId, MARKET).isEmpty(),
                    "nothing marked while the service is down");
        } finally {
            codeService.faults(Faults.NONE);
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> codeService.assignedCodes(campaignId, MARKET).size() == 12);
        assertEquals(Set.copyOf(codes), Set.copyOf(codeService.assignedCodes(campaignId, MARKET)));
        assertTrue(
                queues.drain("markAssignedCodesQueue-dlq", Duration.ofSeconds(1)).stream()
                        .noneMatch(m -> m.body().contains(campaignId)),
                "nothing dead-lettered");
    }

    @Test
    void aMalformedSelectionMessageGoesToTheDeadLetterQueueAtOnce() throws Exception {
        String campaignId = "campaign-" + UUID.randomUUID();
        queues.send(
                "saveSelectionQueue",
                "{\"campaignId\":\"" + campaignId + "\",\"marketId\":\"m\",\"selections\":\"none\"}");
        List<Message> dead = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> queues.drain("saveSelectionQueue-dlq", Duration.ofSeconds(1)).stream()
                                .filter(m -> m.body().contains(campaignId))
                                .toList(),
                        list -> !list.isEmpty());
        assertEquals("INVALID_MESSAGE", Queues.attribute(dead.get(0), QueueContract.FAILURE_REASON));
        assertEquals("1", Queues.attribute(dead.get(0), QueueContract.RECEIVE_COUNT));
    }

    @Test
    void theRestTriggerRefusesBadKeysAndBadRequestsClearly() {
        given().contentType("application/json")
                .body(Map.of("campaignId", "c", "marketId", "m", "dateId", DATE))
                .post("/selections/markets")
                .then()
                .statusCode(401)
                .body("error", equalTo("UNAUTHORIZED"));
        given().contentType("application/json")
                .header("x-api-key", "wrong")
                .body(Map.of("campaignId", "c", "marketId", "m", "dateId", DATE))
                .post("/selections/markets")
                .then()
                .statusCode(401);
        given().contentType("application/json")
                .header("x-api-key", "local")
                .body(Map.of("campaignId", "c", "dateId", DATE))
                .post("/selections/markets")
                .then()
                .statusCode(400)
                .body("error", equalTo("INVALID_REQUEST"))
                .body("message", equalTo("field 'marketId' is required"));
        given().contentType("application/json")
                .header("x-api-key", "local")
                .body("{not json")
                .post("/selections/markets")
                .then()
                .statusCode(400)
                .body("error", equalTo("MALFORMED_JSON"));
        given().contentType("application/json")
                .header("x-api-key", "local")
                .body(Map.of("campaignId", "campaign-" + UUID.randomUUID(), "marketId", "nowhere", "dateId", DATE))
                .post("/selections/markets")
                .then()
                .statusCode(404)
                .body("error", equalTo("MARKET_NOT_FOUND"));
    }

    @Test
    void refreshSelectionsCountsRegistrationsAndWinnersAndFinishesWhenEveryMarketIsSelected() throws Exception {
        String campaignId = campaign(Map.of(MARKET, 2, OTHER_MARKET, 1));
        List<ScoringRecord> inMarket = scoredEntrants(campaignId, 5, MARKET);
        entryService.seedScoringRecords(campaignId, MARKET, inMarket);
        codeService.seedCodePool(campaignId, MARKET, 10);
        invoke(campaignId, MARKET, DATE);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> codeService.assignedCodes(campaignId, MARKET).size() == 2);

        JsonNode partial = refresh(campaignId);
        assertEquals("OPEN", partial.get("status").asText(), "one market still to select");
        assertEquals(5, partial.get("totalRegistrations").asInt());
        assertEquals(2, partial.get("winnerCount").asInt());

        entryService.seedScoringRecords(
                campaignId,
                OTHER_MARKET,
                List.of(new ScoringRecord(inMarket.get(0).globalUserId(), 1.0)));
        codeService.seedCodePool(campaignId, OTHER_MARKET, 1);
        invoke(campaignId, OTHER_MARKET, DATE);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> codeService.assignedCodes(campaignId, OTHER_MARKET).size() == 1);

        JsonNode finished = refresh(campaignId);
        assertEquals("FINISHED", finished.get("status").asText());
        assertEquals(3, finished.get("winnerCount").asInt());
        JsonNode stored = entryService.stats(campaignId).orElseThrow();
        assertEquals("FINISHED", stored.get("status").asText());
        Map<String, JsonNode> markets = new HashMap<>();
        stored.get("markets").forEach(m -> markets.put(m.get("marketId").asText(), m));
        assertEquals(5, markets.get(MARKET).get("registrations").asInt());
        assertEquals(2, markets.get(MARKET).get("winners").asInt());
        assertEquals(1, markets.get(OTHER_MARKET).get("winners").asInt());
    }

    // ---- helpers

    /** A campaign with these market capacities in the campaign stand-in; answers its id. */
    private String campaign(Map<String, Integer> capacities) {
        String campaignId = "campaign-" + UUID.randomUUID();
        ObjectNode campaign =
                DemoData.campaign(java.time.Instant.now()).put("id", campaignId).put("slug", "slug-" + campaignId);
        ArrayNode markets = campaign.putArray("markets");
        capacities.forEach((marketId, capacity) ->
                markets.addObject().put("id", marketId).put("name", marketId).put("capacity", capacity));
        stack.standIns().campaign().seedCampaign(campaign);
        return campaignId;
    }

    /** Entrants with distinct scores, each with an entry in demand-table (in {@code market}'s fields when given). */
    private List<ScoringRecord> scoredEntrants(String campaignId, int count, String market) {
        List<ScoringRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String user = "fan-" + i;
            double score = 100 + (i * 37 % count);
            records.add(new ScoringRecord(user, score));
            table.put(campaignId, user, false, item -> {
                item.put(
                        "fields",
                        AttributeValue.fromS("{\"markets\":[\"" + (market == null ? MARKET : market) + "\"]}"));
                item.remove("verdicts");
            });
        }
        return records;
    }

    private static List<ScoringRecord> tiedScores(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new ScoringRecord("tied-" + i, i % 2 == 0 ? 50.0 : null))
                .toList();
    }

    private JsonNode invoke(String campaignId, String marketId, String dateId) throws Exception {
        return JSON.readTree(given().contentType("application/json")
                        .body(Map.of("campaignId", campaignId, "dateId", dateId, "marketId", marketId))
                        .post("/workers/enqueueMarketSelections/invoke")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .path("result");
    }

    private JsonNode refresh(String campaignId) throws Exception {
        return given().header("x-api-key", "local")
                .post("/selections/campaigns/" + campaignId + "/refresh")
                .then()
                .statusCode(200)
                .extract()
                .as(JsonNode.class);
    }

    private static ValidatableResponse trigger(String campaignId, String marketId, String dateId) {
        return given().contentType("application/json")
                .header("x-api-key", "local")
                .body(Map.of("campaignId", campaignId, "dateId", dateId, "marketId", marketId))
                .post("/selections/markets")
                .then();
    }

    private long reservationCalls(String campaignId) {
        return codeService.requests().stream()
                .filter(r -> r.method().equals("POST")
                        && r.path().startsWith("/campaigns/" + campaignId + "/")
                        && r.path().endsWith("/reservations"))
                .count();
    }

    private List<String> reserve(String campaignId, int count) {
        return given().baseUri(stack.standIns().baseUrl("code"))
                .header("x-api-key", "local")
                .contentType("application/json")
                .body(Map.of("count", count, "reservationId", "test-" + UUID.randomUUID()))
                .post("/campaigns/" + campaignId + "/markets/" + MARKET + "/reservations")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("codes", String.class);
    }

    /**
     * The entry-service assign-codes requests of a campaign's market, in order: the live saveSelections consumer
     * makes one per saveSelectionQueue message, with that message's winners and codes.
     */
    private List<JsonNode> assignRequests(String campaignId, int atLeast) {
        return await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> entryService.requests().stream()
                                .filter(r -> r.path()
                                        .equals("/campaigns/" + campaignId + "/markets/" + MARKET + "/assignments"))
                                .map(r -> r.json())
                                .toList(),
                        list -> list.size() >= atLeast);
    }

    /** "globalUserId:code" of every assignment of the requests, in order. */
    private static List<String> assignmentsOf(List<JsonNode> requests) {
        List<String> assignments = new ArrayList<>();
        requests.forEach(request -> request.get("assignments")
                .forEach(a -> assignments.add(
                        a.get("globalUserId").asText() + ":" + a.get("code").asText())));
        return assignments;
    }

    private String selectionMessage(String campaignId, List<Map.Entry<String, String>> winners) {
        ObjectNode message = JSON.createObjectNode()
                .put("campaignId", campaignId)
                .put("marketId", MARKET)
                .put("dateId", DATE);
        ArrayNode selections = message.putArray("selections");
        for (int i = 0; i < winners.size(); i++) {
            selections
                    .addObject()
                    .put("globalUserId", winners.get(i).getKey())
                    .put("code", winners.get(i).getValue())
                    .put("rank", i + 1);
        }
        return message.toString();
    }

    private String verdictCode(String campaignId, String user, String market) {
        AttributeValue verdicts = table.item(campaignId, user).get("verdicts");
        AttributeValue verdict =
                verdicts == null || !verdicts.hasM() ? null : verdicts.m().get(market);
        AttributeValue code =
                verdict == null || !verdict.hasM() ? null : verdict.m().get("code");
        return code == null || code.s() == null ? null : code.s();
    }

    private int verdictRank(String campaignId, String user, String market) {
        return Integer.parseInt(table.item(campaignId, user)
                .get("verdicts")
                .m()
                .get(market)
                .m()
                .get("rank")
                .n());
    }
}
