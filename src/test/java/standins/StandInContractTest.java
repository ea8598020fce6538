package standins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stand-ins over real HTTP: they honour their contracts, check requests against them, and inject faults. */
class StandInContractTest {

    private static final String CAMPAIGN = DemoData.CAMPAIGN_ID;
    private static final String MARKET = DemoData.MARKET_A;

    private static StandIns standIns;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private record Answer(int status, JsonNode body, HttpHeaders headers) {}

    @BeforeAll
    static void startStandIns() {
        standIns = StandIns.start(0);
    }

    @AfterAll
    static void stopStandIns() {
        standIns.close();
    }

    @BeforeEach
    void seedDemoData() {
        standIns.reset();
        DemoData.seed(standIns);
    }

    @Test
    void campaignOperationsAnswerWithinTheContract() {
        assertOk("campaign", "GET", "/campaigns/by-slug/" + DemoData.SLUG, null);
        assertOk("campaign", "GET", "/campaigns/" + CAMPAIGN, null);
        Answer market = assertOk("campaign", "GET", "/campaigns/" + CAMPAIGN + "/markets/" + MARKET, null);
        assertEquals(500, market.body().get("capacity").asInt());
        Answer invite =
                assertOk("campaign", "GET", "/campaigns/" + CAMPAIGN + "/invites/" + DemoData.INVITED_USER, null);
        assertEquals(DemoData.INVITED_USER, invite.body().get("globalUserId").asText());

        assertAnswers(404, "campaign", "GET", "/campaigns/by-slug/no-such-campaign", null);
        assertAnswers(404, "campaign", "GET", "/campaigns/" + CAMPAIGN + "/markets/no-such-market", null);
        assertAnswers(404, "campaign", "GET", "/campaigns/" + CAMPAIGN + "/invites/not-invited", null);
    }

    @Test
    void entryOperationsAnswerWithinTheContract() {
        Answer upsert = assertOk(
                "entry",
                "PUT",
                "/campaigns/" + CAMPAIGN + "/entries",
                Map.of("entries", List.of(entry("fan-1", 850.0), entry("fan-2", null))));
        assertEquals(2, upsert.body().get("upsertedCount").asInt());
        assertEquals(
                Set.of("fan-1", "fan-2"), standIns.entry().entries(CAMPAIGN).keySet());

        Answer page = assertOk(
                "entry", "GET", "/campaigns/" + CAMPAIGN + "/markets/" + MARKET + "/scoring-records?limit=10", null);
        assertEquals(2, page.body().get("records").size());
        assertTrue(page.body().get("records").get(1).get("score").isNull());

        assertAnswers(204, "entry", "DELETE", "/campaigns/" + CAMPAIGN + "/entries/fan-2", null);
        assertAnswers(204, "entry", "DELETE", "/campaigns/" + CAMPAIGN + "/entries/fan-2", null);
        assertEquals(Set.of("fan-1"), standIns.entry().entries(CAMPAIGN).keySet());

        Answer stats = assertOk(
                "entry",
                "PUT",
                "/campaigns/" + CAMPAIGN + "/stats",
                Map.of(
                        "totalRegistrations",
                        1,
                        "winnerCount",
                        1,
                        "status",
                        "FINISHED",
                        "markets",
                        List.of(Map.of("marketId", MARKET, "registrations", 1, "winners", 1, "selected", true))));
        assertEquals(CAMPAIGN, stats.body().get("campaignId").asText());
        assertEquals(
                "FINISHED",
                standIns.entry().stats(CAMPAIGN).orElseThrow().get("status").asText());
    }

    @Test
    void assigningADifferentCodeToAWinnerIsAConflictAndTheSameCodeIsIdempotent() {
        String path = "/campaigns/" + CAMPAIGN + "/markets/" + MARKET + "/assignments";
        Answer first = assertOk("entry", "POST", path, assignments(Map.of("fan-1", "C-1", "fan-2", "C-2")));
        assertEquals(2, first.body().get("assignedCount").asInt());

        Answer again = assertOk("entry", "POST", path, assignments(Map.of("fan-1", "C-1", "fan-2", "C-9")));

        assertEquals(1, again.body().get("assignedCount").asInt());
        JsonNode conflict = again.body().get("conflicts").get(0);
        assertEquals("fan-2", conflict.get("globalUserId").asText());
        assertEquals("C-9", conflict.get("code").asText());
        assertEquals("C-2", conflict.get("existingCode").asText());
        assertEquals(Map.of("fan-1", "C-1", "fan-2", "C-2"), standIns.entry().assignments(CAMPAIGN, MARKET));
    }

    @Test
    void userAndScoringOperationsAnswerWithinTheContract() {
        assertOk(
                "user",
                "POST",
                "/users/upsert-many",
                Map.of("users", List.of(Map.of("globalUserId", "fan-1", "email", "fan@example.com"))));
        Answer score = assertOk("scoring", "POST", "/scores", Map.of("campaignId", CAMPAIGN, "globalUserId", "fan-1"));
        Answer sameScore = assertOk(
                "scoring",
                "POST",
                "/scores",
                Map.of("campaignId", CAMPAIGN, "globalUserId", "fan-1", "fields", Map.of()));
        assertEquals(
                score.body().get("score").asDouble(),
                sameScore.body().get("score").asDouble());

        standIns.scoring().overrideScore(CAMPAIGN, "fan-1", 12.5);
        assertEquals(
                12.5,
                assertOk("scoring", "POST", "/scores", Map.of("campaignId", CAMPAIGN, "globalUserId", "fan-1"))
                        .body()
                        .get("score")
                        .asDouble());
    }

    @Test
    void requestsThatBreakTheContractAreRejectedNamingTheViolation() {
        Answer missingField = assertAnswers(
                400,
                "entry",
                "PUT",
                "/campaigns/" + CAMPAIGN + "/entries",
                Map.of("entries", List.of(Map.of("campaignId", CAMPAIGN, "fields", Map.of()))));
        assertViolationMentions(missingField, "globalUserId");

        List<Map<String, String>> tooManyUsers = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            tooManyUsers.add(Map.of("globalUserId", "fan-" + i));
        }
        assertViolationMentions(
                assertAnswers(400, "user", "POST", "/users/upsert-many", Map.of("users", tooManyUsers)), "users");

        assertViolationMentions(
                assertAnswers(
                        400,
                        "user",
                        "POST",
                        "/users/upsert-many",
                        Map.of("users", List.of(Map.of("globalUserId", "fan-1", "isLoggedIn", "true")))),
                "isLoggedIn");
        assertViolationMentions(
                assertAnswers(
                        400,
                        "code",
                        "POST",
                        "/campaigns/" + CAMPAIGN + "/markets/" + MARKET + "/reservations",
                        Map.of("count", 0, "reservationId", "r-1")),
                "count");
        assertViolationMentions(
                assertAnswers(
                        400,
                        "entry",
                        "GET",
                        "/campaigns/" + CAMPAIGN + "/markets/" + MARKET + "/scoring-records?limit=1001",
                        null),
                "limit");
        assertViolationMentions(
                assertAnswers(
                        400,
                        "entry",
                        "PUT",
                        "/campaigns/" + CAMPAIGN + "/stats",
                        Map.of("totalRegistrations", 1, "winnerCount", 0, "status", "SELECTING")),
                "status");
        assertViolationMentions(
                assertAnswers(400, "scoring", "POST", "/scores", Map.of("campaignId", CAMPAIGN)), "globalUserId");
        assertTrue(standIns.user().storedUsers().isEmpty());
    }

    @Test
    void everyOperationDocumentsTheApiKeyThrottlingAndUnavailability() {
        for (String service : StandIns.SERVICES) {
            for (ContractValidator.Operation operation :
                    standIns.server(service).contract().operations()) {
                String name = service + " " + operation.operationId();
                assertTrue(
                        operation.parameters().stream()
                                .anyMatch(parameter -> "header"
                                                .equals(parameter.path("in").asText())
                                        && "x-api-key"
                                                .equals(parameter.path("name").asText())),
                        name + " lacks x-api-key");
                JsonNode responses = operation.definition().path("responses");
                assertTrue(
                        responses.has("401") && responses.has("429") && responses.has("503"),
                        name + " lacks 401/429/503");
                if (operation.definition().has("requestBody")
                        || operation.parameters().stream()
                                .anyMatch(parameter ->
                                        "query".equals(parameter.path("in").asText()))) {
                    assertTrue(responses.has("400"), name + " lacks 400");
                }
            }
        }
    }

    @Test
    void validatorRejectsAResponseThatBreaksTheContract() {
        ContractValidator campaignContract = standIns.campaign().contract();
        JsonNode marketWithoutCapacity = Json.object().put("id", MARKET).put("name", "Los Angeles");

        List<String> violations =
                campaignContract.validateResponse("GET", "/campaigns/c/markets/m", 200, marketWithoutCapacity);

        assertTrue(violations.stream().anyMatch(violation -> violation.contains("capacity")), violations.toString());
        assertFalse(campaignContract
                .validateResponse("GET", "/campaigns/c", 418, null)
                .isEmpty());
    }

    @Test
    void errorRateAnswers503AndThrottleRateAnswers429WithRetryAfter() {
        standIns.code().faults(Faults.errors(1.0));
        assertAnswers(503, "code", "POST", "/codes/assigned", markCodes("C-" + MARKET + "-1"));

        standIns.code().faults(Faults.throttling(1.0));
        Answer throttled = assertAnswers(429, "code", "POST", "/codes/assigned", markCodes("C-" + MARKET + "-1"));
        assertEquals("1", throttled.headers().firstValue("Retry-After").orElseThrow());

        standIns.code().faults(Faults.NONE);
        assertAnswers(409, "code", "POST", "/codes/assigned", markCodes("C-" + MARKET + "-1"));
    }

    @Test
    void faultsSetOverHttpTakeTheServiceDownUntilReset() {
        assertEquals(
                200, send("user", "PUT", "/_admin/faults", Map.of("down", true)).status());

        assertAnswers(
                503, "user", "POST", "/users/upsert-many", Map.of("users", List.of(Map.of("globalUserId", "fan-1"))));
        assertAnswers(503, "user", "POST", "/no/such/operation", null);
        assertTrue(standIns.user().faults().down());

        assertEquals(204, send("user", "POST", "/_admin/reset", null).status());
        assertOk("user", "POST", "/users/upsert-many", Map.of("users", List.of(Map.of("globalUserId", "fan-1"))));
        assertEquals(
                400,
                send("user", "PUT", "/_admin/faults", Map.of("errorRate", 1.5)).status());
    }

    @Test
    void latencyDelaysEveryAnswer() {
        standIns.scoring().faults(Faults.latency(300));
        long started = System.nanoTime();

        assertOk("scoring", "POST", "/scores", Map.of("campaignId", CAMPAIGN, "globalUserId", "fan-1"));

        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 300);
    }

    @Test
    void reservingMoreThanThePoolHoldsReturnsFewerCodes() {
        standIns.code().seedCodePool(CAMPAIGN, "small-market", 5);
        String path = "/campaigns/" + CAMPAIGN + "/markets/small-market/reservations";

        Answer reserved = assertOk("code", "POST", path, Map.of("count", 8, "reservationId", "run-1"));
        Answer dry = assertOk("code", "POST", path, Map.of("count", 8, "reservationId", "run-2"));

        assertEquals(5, reserved.body().get("codes").size());
        assertEquals("C-small-market-1", reserved.body().get("codes").get(0).asText());
        assertEquals(0, dry.body().get("codes").size());
        assertEquals(0, standIns.code().availableCodes(CAMPAIGN, "small-market"));
    }

    @Test
    void theSameReservationIdReturnsTheSameCodesAndReservesOnce() {
        String path = "/campaigns/" + CAMPAIGN + "/markets/" + MARKET + "/reservations";
        Answer first = assertOk("code", "POST", path, Map.of("count", 4, "reservationId", "run-1"));
        Answer second = assertOk("code", "POST", path, Map.of("count", 4, "reservationId", "run-1"));

        assertEquals(first.body().get("codes"), second.body().get("codes"));
        assertEquals(DemoData.CODES_PER_MARKET - 4, standIns.code().availableCodes(CAMPAIGN, MARKET));
        assertEquals(4, standIns.code().reservedCodes(CAMPAIGN, MARKET).size());
        assertAnswers(
                409,
                "code",
                "POST",
                "/campaigns/" + CAMPAIGN + "/markets/" + DemoData.MARKET_B + "/reservations",
                Map.of("count", 4, "reservationId", "run-1"));
    }

    @Test
    void markingReservedCodesIsIdempotentAndUnreservedCodesConflict() {
        assertOk(
                "code",
                "POST",
                "/campaigns/" + CAMPAIGN + "/markets/" + MARKET + "/reservations",
                Map.of("count", 2, "reservationId", "run-1"));
        String reserved = "C-" + MARKET + "-1";

        assertEquals(
                1,
                assertOk("code", "POST", "/codes/assigned", markCodes(reserved))
                        .body()
                        .get("markedCount")
                        .asInt());
        assertEquals(
                1,
                assertOk("code", "POST", "/codes/assigned", markCodes(reserved))
                        .body()
                        .get("markedCount")
                        .asInt());
        Answer conflict = assertAnswers(
                409, "code", "POST", "/codes/assigned", markCodes("C-" + MARKET + "-2", "C-" + MARKET + "-3"));

        assertEquals(
                "C-" + MARKET + "-3",
                conflict.body().get("detail").get("codes").get(0).asText());
        assertEquals(List.of(reserved), standIns.code().assignedCodes(CAMPAIGN, MARKET));
    }

    @Test
    void upsertManyReportsConfiguredUsersAsFailedAndStoresTheRest() {
        standIns.user().failUsers("fan-2");

        Answer answer = assertOk(
                "user",
                "POST",
                "/users/upsert-many",
                Map.of(
                        "users",
                        List.of(
                                Map.of("globalUserId", "fan-1", "firstName", "Jane"),
                                Map.of("globalUserId", "fan-2", "firstName", "John"),
                                Map.of("globalUserId", "fan-3"))));

        List<String> statuses = new ArrayList<>();
        answer.body()
                .get("results")
                .forEach(result -> statuses.add(result.get("globalUserId").asText() + "="
                        + result.get("status").asText()));
        assertEquals(List.of("fan-1=UPSERTED", "fan-2=FAILED", "fan-3=UPSERTED"), statuses);
        assertEquals(Set.of("fan-1", "fan-3"), standIns.user().storedUsers().keySet());
        assertEquals(
                "Jane",
                standIns.user().storedUsers().get("fan-1").get("firstName").asText());
    }

    @Test
    void scoringRecordsArePagedSoThatEveryRecordComesBackExactlyOnce() {
        standIns.entry().seedScoringRecords(CAMPAIGN, MARKET, 2_500, 42);
        String firstPage = "/campaigns/" + CAMPAIGN + "/markets/" + MARKET + "/scoring-records?limit=1000";

        List<Integer> pageSizes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String cursor = null;
        do {
            Answer page = assertOk("entry", "GET", cursor == null ? firstPage : firstPage + "&cursor=" + cursor, null);
            page.body()
                    .get("records")
                    .forEach(record ->
                            assertTrue(seen.add(record.get("globalUserId").asText())));
            pageSizes.add(page.body().get("records").size());
            cursor = page.body().get("nextCursor").isNull()
                    ? null
                    : page.body().get("nextCursor").asText();
        } while (cursor != null && pageSizes.size() < 10);

        assertEquals(List.of(1000, 1000, 500), pageSizes);
        assertEquals(2_500, seen.size());
    }

    @Test
    void syntheticScoringRecordsHoldAMillionRecords() {
        standIns.entry().seedScoringRecords(CAMPAIGN, MARKET, 1_000_000, 7);

        Answer page = assertOk(
                "entry", "GET", "/campaigns/" + CAMPAIGN + "/markets/" + MARKET + "/scoring-records?limit=1000", null);

        assertEquals(1000, page.body().get("records").size());
        assertFalse(page.body().get("nextCursor").isNull());
    }

    @Test
    void serviceRequestsAreRecordedAndAdminOnesAreNot() {
        assertOk("scoring", "POST", "/scores", Map.of("campaignId", CAMPAIGN, "globalUserId", "fan-1"));
        send("scoring", "GET", "/_admin/faults", null);

        List<RecordedRequest> recorded = standIns.scoring().requests();

        assertEquals(1, recorded.size());
        assertEquals("/scores", recorded.get(0).path());
        assertEquals("fan-1", recorded.get(0).json().get("globalUserId").asText());
        assertEquals(1, send("scoring", "GET", "/_admin/requests", null).body().size());
    }

    @Test
    void anApiKeyIsEnforcedWhenConfigured() {
        try (StandIns keyed = StandIns.start(0, "s3cret")) {
            String url = keyed.baseUrl("scoring") + "/scores";
            String body = Json.write(Map.of("campaignId", CAMPAIGN, "globalUserId", "fan-1"));

            assertEquals(401, post(url, body, null).status());
            assertEquals(401, post(url, body, "wrong").status());
            assertEquals(200, post(url, body, "s3cret").status());
            assertEquals(
                    204,
                    post(keyed.baseUrl("scoring") + "/_admin/reset", "", null).status());
        }
    }

    private static Map<String, Object> entry(String globalUserId, Double score) {
        Map<String, Object> entry = new HashMap<>(Map.of(
                "globalUserId",
                globalUserId,
                "campaignId",
                CAMPAIGN,
                "fields",
                Map.of("email", globalUserId + "@example.com", "markets", List.of(MARKET), "ticket_count", 2),
                "markets",
                List.of(MARKET),
                "createdAt",
                "2024-01-15T10:30:00Z"));
        entry.put("score", score);
        return entry;
    }

    private static Map<String, Object> assignments(Map<String, String> codesByUser) {
        List<Map<String, String>> list = new ArrayList<>();
        codesByUser.forEach((user, code) -> list.add(Map.of("globalUserId", user, "code", code)));
        return Map.of("dateId", "2024-03-01", "assignments", list);
    }

    private static Map<String, Object> markCodes(String... codes) {
        return Map.of("campaignId", CAMPAIGN, "marketId", MARKET, "codes", List.of(codes));
    }

    private static Answer assertOk(String service, String method, String path, Object body) {
        Answer answer = send(service, method, path, body);
        assertTrue(
                answer.status() / 100 == 2,
                () -> method + " " + path + " answered " + answer.status() + " " + answer.body());
        assertConforms(service, method, path, answer);
        return answer;
    }

    private static Answer assertAnswers(int status, String service, String method, String path, Object body) {
        Answer answer = send(service, method, path, body);
        assertEquals(status, answer.status(), () -> method + " " + path + " answered " + answer.body());
        assertConforms(service, method, path, answer);
        return answer;
    }

    private static void assertConforms(String service, String method, String path, Answer answer) {
        ContractValidator contract = standIns.server(service).contract();
        String pathWithoutQuery = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (contract.findOperation(method, pathWithoutQuery).isPresent()) {
            List<String> violations =
                    contract.validateResponse(method, pathWithoutQuery, answer.status(), answer.body());
            assertTrue(violations.isEmpty(), () -> method + " " + path + " answer breaks the contract: " + violations);
        }
    }

    private static void assertViolationMentions(Answer answer, String text) {
        JsonNode violations = answer.body().path("detail").path("violations");
        boolean mentioned = false;
        for (JsonNode violation : violations) {
            mentioned |= violation.asText().contains(text);
        }
        assertTrue(mentioned, () -> "no violation mentions " + text + ": " + answer.body());
    }

    private static Answer send(String service, String method, String path, Object body) {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(Json.write(body));
        return exchange(HttpRequest.newBuilder(URI.create(standIns.baseUrl(service) + path))
                .method(method, publisher)
                .header("Content-Type", "application/json")
                .build());
    }

    private static Answer post(String url, String body, String apiKey) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            request.header("x-api-key", apiKey);
        }
        return exchange(request.build());
    }

    private static Answer exchange(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? null : Json.parse(response.body());
            return new Answer(response.statusCode(), body, response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
