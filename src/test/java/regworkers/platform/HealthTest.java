package regworkers.platform;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import standins.Faults;

/**
 * Readiness is the process' own state: services hanging leave it ready (checkEligibility can still answer, from
 * Redis), while the dependencies group reports them, its checks run at once within their bound.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class HealthTest {

    private static final List<String> SERVICES = List.of("campaign", "user", "scoring");
    private final LocalStack stack = LocalStack.shared();

    @AfterEach
    void heal() {
        SERVICES.forEach(service -> stack.standIns().server(service).faults(Faults.NONE));
    }

    @Test
    void servicesThatHangLeaveThePodReadyAndTheDependencyGroupSaysWhichWithinItsBound() {
        SERVICES.forEach(service -> stack.standIns().server(service).faults(Faults.latency(5_000)));

        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

        long started = System.nanoTime();
        JsonPath dependencies = given().get("/q/health/group/dependencies")
                .then()
                .statusCode(503)
                .extract()
                .jsonPath();
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        // three services hang for 5 s and each check gives up after health.check-timeout (2 s): one after another
        // they would take 6 s; at once, about 2 s, inside the probes' 3 s timeout
        assertTrue(tookMs < 3_000, "the dependencies group answered in " + tookMs + " ms");
        for (String service : SERVICES) {
            String answer =
                    dependencies.getString("checks.find { it.name == 'dependencies' }.data." + service + "_service");
            assertTrue(!"UP".equals(answer), service + " reported " + answer);
        }
        assertEquals(
                "UP",
                dependencies.getString("checks.find { it.name == 'dependencies' }.data.sqs"),
                "SQS answers meanwhile");
    }

    @Test
    void theDependencyGroupIsUpWhenEverythingAnswers() {
        given().get("/q/health/group/dependencies")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'dependencies' }.data.redis", equalTo("UP"))
                .body("checks.find { it.name == 'dependencies' }.data.kafka", equalTo("UP"));
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'workers' }.data.state", containsString("running"));
    }
}
