package regworkers.platform;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import localstack.LocalStackResource;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;

/** APP_STACK=registration: only that stack's routes (and the platform's) exist, and readiness checks only their connections. */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
@TestProfile(StackSelectionTest.RegistrationStack.class)
class StackSelectionTest {

    public static class RegistrationStack implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.stack", "registration");
        }
    }

    @Inject
    CamelContext camel;

    @Test
    void onlyTheSelectedStacksRoutesExist() {
        Set<String> workerRoutes = new TreeSet<>();
        for (Route route : camel.getRoutes()) {
            if (!route.getRouteId().startsWith(WorkerSelection.PLATFORM_ROUTE_PREFIX)) {
                workerRoutes.add(route.getRouteId());
            }
        }
        assertEquals(
                Set.of("checkEligibility", "checkEligibility-rest", "upsertUsers", "upsertUsers-invoke"), workerRoutes);
    }

    @Test
    void theDependencyGroupChecksTheConnectionsOfTheSelectedWorkersOnly() {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/q/health/ready")
                        .then()
                        .log()
                        .ifValidationFails()
                        .statusCode(200));
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'workers' }.data.workers", equalTo("[checkEligibility, upsertUsers]"));
        given().get("/q/health/group/dependencies")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'dependencies' }.data", hasKey("redis"))
                .body("checks.find { it.name == 'dependencies' }.data", hasKey("user_service"))
                .body("checks.find { it.name == 'dependencies' }.data", not(hasKey("kafka")))
                .body("checks.find { it.name == 'dependencies' }.data", not(hasKey("sns")));
    }
}
