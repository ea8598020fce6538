package regworkers.platform.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStackResource;
import org.junit.jupiter.api.Test;
import standins.DemoData;
import support.Tokens;

/**
 * What the HTTP layer refuses before any work: oversized bodies from their declared length, multipart and form bodies,
 * credentials in the query string; and the token is checked before the body is parsed.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class RequestLimitsTest {

    private static final String USER = DemoData.INVITED_USER;
    private static final String VALID_BODY =
            "{\"slug\":\"" + DemoData.SLUG + "\",\"entry\":{},\"userInfo\":{\"globalUserId\":\"" + USER + "\"}}";

    @Test
    void aDeclaredOversizeBodyIsRefusedBeforeTheToken() {
        given().contentType("application/json")
                .body("{\"slug\":\"" + "x".repeat(70_000) + "\"}")
                .post("/checkEligibility")
                .then()
                .statusCode(413)
                .body("error", equalTo("PAYLOAD_TOO_LARGE"))
                .body("message", containsString("at most 65536"));
    }

    @Test
    void aBodyOverTheHttpLimitIsRefusedOnEveryEndpoint() {
        given().contentType("application/json")
                .body("{\"x\":\"" + "x".repeat(300_000) + "\"}")
                .post("/workers/upsertUsers/invoke")
                .then()
                .statusCode(413);
    }

    @Test
    void theTokenIsCheckedBeforeTheBodyIsParsed() {
        given().contentType("application/json")
                .body("{\"slug\": ")
                .post("/checkEligibility")
                .then()
                .statusCode(401)
                .body("error", equalTo("UNAUTHORIZED"));
        given().contentType("application/json")
                .header("Authorization", "Bearer " + Tokens.signedWithAnotherKey(USER))
                .body("[not json")
                .post("/checkEligibility")
                .then()
                .statusCode(401);
    }

    @Test
    void multipartAndFormBodiesAreRefused() {
        given().multiPart("file", "entry.json", VALID_BODY.getBytes(), "application/json")
                .header("Authorization", "Bearer " + Tokens.forUser(USER))
                .post("/checkEligibility")
                .then()
                .statusCode(415)
                .body("error", equalTo("UNSUPPORTED_MEDIA_TYPE"))
                .body("message", containsString("multipart"));
        given().formParams(Map.of("slug", DemoData.SLUG))
                .header("x-api-key", "local")
                .post("/selections/markets")
                .then()
                .statusCode(415)
                .body("error", equalTo("UNSUPPORTED_MEDIA_TYPE"));
    }

    @Test
    void credentialsAreAcceptedOnlyAsHeaders() {
        given().contentType("application/json")
                .queryParam("Authorization", "Bearer " + Tokens.forUser(USER))
                .body(VALID_BODY)
                .post("/checkEligibility")
                .then()
                .statusCode(400)
                .body("error", equalTo("CREDENTIALS_IN_QUERY"))
                .body("field", equalTo("authorization"));
        given().contentType("application/json")
                .queryParam("x-api-key", "local")
                .body(Map.of("campaignId", "c", "marketId", "m", "dateId", "2024-03-01"))
                .post("/selections/markets")
                .then()
                .statusCode(400)
                .body("error", equalTo("CREDENTIALS_IN_QUERY"));
        // encoded and in another case, the same parameter
        given().contentType("application/json")
                .urlEncodingEnabled(false)
                .body(Map.of("campaignId", "c", "marketId", "m", "dateId", "2024-03-01"))
                .post("/selections/markets?X%2DAPI%2DKEY=local")
                .then()
                .statusCode(400)
                .body("field", equalTo("x-api-key"));
        // the same key as a header works, so the query parameter was the only difference
        given().contentType("application/json")
                .header("x-api-key", "local")
                .body(Map.of("campaignId", "c", "dateId", "2024-03-01"))
                .post("/selections/markets")
                .then()
                .statusCode(400)
                .body("error", equalTo("INVALID_REQUEST"));
    }
}
