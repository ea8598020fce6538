package regworkers.registration;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import regworkers.platform.WorkerLog;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import standins.CampaignStandIn;
import standins.DemoData;
import standins.Faults;
import support.Tokens;

/** checkEligibility over HTTP on the real stack: the seed's example, every reason, token attacks, bad input. */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class CheckEligibilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = DemoData.INVITED_USER;
    private static final String SEED_ENTRY = """
            {"email":"fan@example.com","markets":["market-123","market-456"],"ticket_count":2,"opt_in":true}""";

    private final LocalStack stack = LocalStack.shared();
    private final CampaignStandIn campaignService = stack.standIns().campaign();

    @BeforeEach
    void seedDemoCampaign() {
        DemoData.seed(stack.standIns());
    }

    @AfterEach
    void healCampaignService() {
        campaignService.faults(Faults.NONE);
    }

    @Test
    void theSeedsRequestGetsTheSeedsSuccessResponse() throws Exception {
        String body = post(Tokens.forUser(USER), DemoData.CHECK_ELIGIBILITY_REQUEST)
                .statusCode(200)
                .extract()
                .asString();

        assertEquals(JSON.readTree(DemoData.CHECK_ELIGIBILITY_RESPONSE), JSON.readTree(body));
    }

    @Test
    void theBareBodyIsAcceptedToo() {
        post(Tokens.forUser(USER), request(DemoData.SLUG, SEED_ENTRY, false))
                .statusCode(200)
                .body("isEligible", equalTo(true))
                .body("campaignId", equalTo(DemoData.CAMPAIGN_ID));
    }

    @Test
    void anUnknownSlugIsCampaignNotFound() {
        post(Tokens.forUser(USER), request("no-such-" + UUID.randomUUID(), SEED_ENTRY, true))
                .statusCode(200)
                .body("isEligible", equalTo(false))
                .body("reason", equalTo("CAMPAIGN_NOT_FOUND"))
                .body("$", not(hasKey("campaignId")));
    }

    @Test
    void aRefusalIsLoggedAtInfoAndAnEligibleAnswerOnlyAtDebug() {
        String eligibleId = "eligible-" + UUID.randomUUID();
        String refusedId = "refused-" + UUID.randomUUID();
        Logger decisions = Logger.getLogger(EligibilityResponses.class.getName());
        List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record instanceof ExtLogRecord ext && ext.getLevel().intValue() >= Level.INFO.intValue()) {
                    ext.copyMdc();
                    records.add(ext);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        decisions.addHandler(capture);
        try {
            post(Tokens.forUser(USER), DemoData.CHECK_ELIGIBILITY_REQUEST, eligibleId)
                    .statusCode(200)
                    .body("isEligible", equalTo(true));
            post(Tokens.forUser(USER), request("no-such-" + UUID.randomUUID(), SEED_ENTRY, false), refusedId)
                    .statusCode(200)
                    .body("reason", equalTo("CAMPAIGN_NOT_FOUND"));
        } finally {
            decisions.removeHandler(capture);
        }

        List<String> correlationIds = records.stream()
                .map(record -> record.getMdc(WorkerLog.CORRELATION_ID))
                .toList();
        assertEquals(List.of(refusedId), correlationIds);
        assertEquals("Not eligible: CAMPAIGN_NOT_FOUND", records.get(0).getMessage());
        assertEquals(Level.INFO.intValue(), records.get(0).getLevel().intValue());
    }

    @Test
    void aClosedCampaignAndOneOutsideItsWindowAreCampaignClosed() {
        ObjectNode closed = campaign(c -> c.put("status", "CLOSED"));
        expectReason(closed, SEED_ENTRY, "CAMPAIGN_CLOSED");

        ObjectNode notYetOpen = campaign(c -> ((ObjectNode) c.get("registration"))
                .put("opensAt", Instant.now().plus(Duration.ofDays(1)).toString())
                .put("closesAt", Instant.now().plus(Duration.ofDays(2)).toString()));
        expectReason(notYetOpen, SEED_ENTRY, "CAMPAIGN_CLOSED");
    }

    @Test
    void anInviteOnlyCampaignWithoutAnInviteIsNoInvite() {
        ObjectNode inviteOnly = campaign(c -> ((ObjectNode) c.get("gate")).put("inviteOnly", true));
        expectReason(inviteOnly, SEED_ENTRY, "NO_INVITE");

        campaignService.seedInvite(inviteOnly.get("id").asText(), USER);
        post(Tokens.forUser(USER), request(inviteOnly.get("slug").asText(), SEED_ENTRY, false))
                .statusCode(200)
                .body("isEligible", equalTo(true));
    }

    @Test
    void identityVerificationComesFromTheToken() {
        ObjectNode idvRequired = campaign(c -> ((ObjectNode) c.get("gate")).put("idvRequired", true));
        expectReason(idvRequired, SEED_ENTRY, "IDV_REQUIRED");

        post(Tokens.withIdentityVerified(USER), request(idvRequired.get("slug").asText(), SEED_ENTRY, false))
                .statusCode(200)
                .body("isEligible", equalTo(true));
    }

    @Test
    void aCountryOrCardRuleTheFanFailsIsIneligibleEntry() {
        ObjectNode canadaOnly = campaign(c -> ((ObjectNode) c.get("gate"))
                .putObject("rule")
                .put("type", "COUNTRY")
                .putArray("allowed")
                .add("CA"));
        expectReason(canadaOnly, SEED_ENTRY, "INELIGIBLE_ENTRY");

        ObjectNode amexOnly = campaign(c -> ((ObjectNode) c.get("gate"))
                .putObject("rule")
                .put("type", "CARD")
                .putArray("allowed")
                .add("amex"));
        expectReason(amexOnly, SEED_ENTRY, "INELIGIBLE_ENTRY");
        post(
                        Tokens.withCards(USER, List.of("visa", "amex")),
                        request(amexOnly.get("slug").asText(), SEED_ENTRY, false))
                .statusCode(200)
                .body("isEligible", equalTo(true));
    }

    @Test
    void anEntryInTheLinkedCampaignIsLinkedEntryUnlessTheFanTransfers() {
        String linkedCampaignId = "linked-" + UUID.randomUUID();
        stack.dynamo()
                .putItem(b -> b.tableName("demand-table")
                        .item(Map.of(
                                "pk", AttributeValue.fromS("CAMPAIGN#" + linkedCampaignId),
                                "sk", AttributeValue.fromS("USER#" + USER),
                                "globalUserId", AttributeValue.fromS(USER),
                                "campaignId", AttributeValue.fromS(linkedCampaignId))));
        ObjectNode linked = campaign(c -> c.put("linkedCampaignId", linkedCampaignId));
        expectReason(linked, SEED_ENTRY, "LINKED_ENTRY");

        post(Tokens.forUser(USER), request(linked.get("slug").asText(), SEED_ENTRY, true))
                .statusCode(200)
                .body("isEligible", equalTo(true))
                .body("linkedCampaignId", equalTo(linkedCampaignId));
        post(Tokens.forUser("someone-else"), request(linked.get("slug").asText(), SEED_ENTRY, false, "someone-else"))
                .statusCode(200)
                .body("isEligible", equalTo(true))
                .body("linkedCampaignId", nullValue());
    }

    @Test
    void anEntryBreakingThePreferencesIsInvalidEntryNamingTheField() {
        post(
                        Tokens.forUser(USER),
                        request(
                                DemoData.SLUG,
                                "{\"email\":\"fan@example.com\",\"markets\":[\"market-123\"],\"ticket_count\":9}",
                                false))
                .statusCode(200)
                .body("isEligible", equalTo(false))
                .body("reason", equalTo("INVALID_ENTRY"))
                .body("campaignId", equalTo(DemoData.CAMPAIGN_ID))
                .body("detail.field", equalTo("ticket_count"));
        post(
                        Tokens.forUser(USER),
                        request(
                                DemoData.SLUG,
                                "{\"email\":\"fan@example.com\",\"markets\":[\"market-999\"],\"ticket_count\":1}",
                                false))
                .statusCode(200)
                .body("reason", equalTo("INVALID_ENTRY"))
                .body("detail.field", equalTo("markets"));
        post(
                        Tokens.forUser(USER),
                        request(
                                DemoData.SLUG,
                                "{\"email\":\"fan@example.com\",\"markets\":[\"market-123\"],\"ticket_count\":1,\"vip\":true}",
                                false))
                .statusCode(200)
                .body("reason", equalTo("INVALID_ENTRY"))
                .body("detail.field", equalTo("vip"));
    }

    @Test
    void aCampaignServiceFailureWithNothingCachedIsInternalServerErrorWithTheCorrelationId() {
        ObjectNode neverCached = campaign(c -> {});
        campaignService.faults(Faults.serviceDown());
        post(
                        Tokens.forUser(USER),
                        request(neverCached.get("slug").asText(), SEED_ENTRY, false),
                        "corr-" + neverCached.get("id").asText())
                .statusCode(500)
                .body("isEligible", equalTo(false))
                .body("reason", equalTo("INTERNAL_SERVER_ERROR"))
                .body(
                        "detail.correlationId",
                        equalTo("corr-" + neverCached.get("id").asText()))
                .body(not(matchesPattern("(?s).*(Exception|\\tat ).*")));
    }

    @Test
    void tokenAttacksAreRejected() {
        String body = request(DemoData.SLUG, SEED_ENTRY, false);
        given().contentType("application/json")
                .body(body)
                .post("/checkEligibility")
                .then()
                .statusCode(401)
                .body("error", equalTo("UNAUTHORIZED"))
                .body("message", equalTo("the Authorization header is missing"));
        post("not-a-jwt", body).statusCode(401);
        post(Tokens.expired(USER), body).statusCode(401).body("message", equalTo("the token has expired"));
        post(Tokens.signedWithAnotherKey(USER), body).statusCode(401);
        post(Tokens.unsigned(USER), body).statusCode(401);
        post(Tokens.hmacWithThePublicKey(USER), body).statusCode(401);
        post(Tokens.fromAnotherIssuer(USER), body)
                .statusCode(401)
                .body("message", equalTo("the token's issuer is not accepted"));
        post(Tokens.forAnotherAudience(USER), body)
                .statusCode(401)
                .body("message", equalTo("the token's audience is not accepted"));
        post(Tokens.withoutAudience(USER), body).statusCode(401);
        given().contentType("application/json")
                .header("Authorization", "Basic dXNlcjpwYXNz")
                .body(body)
                .post("/checkEligibility")
                .then()
                .statusCode(401);
        post(Tokens.forUser("someone-else"), body)
                .statusCode(403)
                .body("error", equalTo("FORBIDDEN"))
                .body("field", equalTo("userInfo.globalUserId"));
    }

    @Test
    void badInputGetsA4xxNamingTheProblem() {
        String token = Tokens.forUser(USER);
        post(token, "{\"slug\": ").statusCode(400).body("error", equalTo("MALFORMED_JSON"));
        post(token, "[1,2]").statusCode(400).body("field", equalTo("body"));
        post(token, "{\"entry\":{},\"userInfo\":{\"globalUserId\":\"" + USER + "\"}}")
                .statusCode(400)
                .body("field", equalTo("slug"));
        post(token, "{\"slug\":42,\"entry\":{},\"userInfo\":{\"globalUserId\":\"" + USER + "\"}}")
                .statusCode(400)
                .body("field", equalTo("slug"))
                .body("message", equalTo("slug must be a string"));
        post(token, "{\"slug\":\"s\",\"userInfo\":{\"globalUserId\":\"" + USER + "\"}}")
                .statusCode(400)
                .body("field", equalTo("entry"));
        post(token, "{\"slug\":\"s\",\"entry\":\"x\",\"userInfo\":{\"globalUserId\":\"" + USER + "\"}}")
                .statusCode(400)
                .body("field", equalTo("entry"));
        post(token, "{\"slug\":\"s\",\"entry\":{}}").statusCode(400).body("field", equalTo("userInfo"));
        post(token, "{\"slug\":\"s\",\"entry\":{},\"userInfo\":{}}")
                .statusCode(400)
                .body("field", equalTo("userInfo.globalUserId"));
        post(
                        token,
                        "{\"slug\":\"s\",\"entry\":{},\"userInfo\":{\"globalUserId\":\"" + USER
                                + "\"},\"doTransfer\":\"yes\"}")
                .statusCode(400)
                .body("field", equalTo("doTransfer"));
        post(token, "{\"slug\":\"s\",\"entry\":{},\"userInfo\":{\"globalUserId\":\"" + USER + "\"},\"admin\":true}")
                .statusCode(400)
                .body("field", equalTo("admin"));
        given().contentType("text/plain")
                .header("Authorization", "Bearer " + token)
                .body(request(DemoData.SLUG, SEED_ENTRY, false))
                .post("/checkEligibility")
                .then()
                .statusCode(415)
                .body("error", equalTo("UNSUPPORTED_MEDIA_TYPE"));
        String oversize = "{\"slug\":\"" + "x".repeat(70_000) + "\"}";
        post(token, oversize).statusCode(413).body("error", equalTo("PAYLOAD_TOO_LARGE"));
    }

    private void expectReason(ObjectNode campaign, String entry, String reason) {
        post(Tokens.forUser(USER), request(campaign.get("slug").asText(), entry, false))
                .statusCode(200)
                .body("isEligible", equalTo(false))
                .body("reason", equalTo(reason))
                .body("campaignId", equalTo(campaign.get("id").asText()))
                .body("$", not(hasKey("fields")));
    }

    /** A copy of the demo campaign under a new id and slug, changed by {@code change}, seeded in the stand-in. */
    private ObjectNode campaign(java.util.function.Consumer<ObjectNode> change) {
        ObjectNode campaign = DemoData.campaign(Instant.now());
        String id = "campaign-" + UUID.randomUUID();
        campaign.put("id", id).put("slug", "slug-" + id);
        change.accept(campaign);
        campaignService.seedCampaign(campaign);
        return campaign;
    }

    static String request(String slug, String entry, boolean doTransfer) {
        return request(slug, entry, doTransfer, USER);
    }

    static String request(String slug, String entry, boolean doTransfer, String userId) {
        try {
            ObjectNode body = JSON.createObjectNode().put("slug", slug);
            body.set("entry", JSON.readTree(entry));
            body.putObject("userInfo")
                    .put("globalUserId", userId)
                    .put("email", "fan@example.com")
                    .put("countryCode", "US");
            body.put("doTransfer", doTransfer);
            return body.toString();
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ValidatableResponse post(String token, String body) {
        return post(token, body, null);
    }

    static ValidatableResponse post(String token, String body, String correlationId) {
        var request = given().contentType("application/json")
                .header("Authorization", "Bearer " + token)
                .body(body);
        if (correlationId != null) {
            request.header("x-correlation-id", correlationId);
        }
        return request.post("/checkEligibility").then();
    }
}
