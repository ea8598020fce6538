package ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStackResource;
import org.junit.jupiter.api.Test;
import support.Tokens;

/**
 * Every series the Grafana dashboard and the alert rules read is one the app exports: the test app (every worker) is
 * scraped on /q/metrics after one checkEligibility request, and each metric name of every expression must be there.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class OpsMetricsTest {

    @Test
    void everyMetricTheDashboardAndTheAlertsReadIsExported() throws Exception {
        given().contentType("application/json")
                .header("Authorization", "Bearer " + Tokens.forUser("ops-user"))
                .body("{\"slug\":\"no-such-campaign\",\"entry\":{},\"userInfo\":{\"globalUserId\":\"ops-user\"}}")
                .post("/checkEligibility")
                .then()
                .statusCode(200);
        Set<String> used = new TreeSet<>();
        for (String expression : concat(OpsFiles.dashboardExpressions(), OpsFiles.ruleExpressions())) {
            used.addAll(OpsFiles.metricNames(expression));
        }
        assertTrue(used.size() > 8, "too few metric names found in ops/: " + used);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<String> exported = exportedNames();
            assertEquals(
                    Set.of(),
                    used.stream().filter(name -> !exported.contains(name)).collect(Collectors.toSet()),
                    "read by ops/ but not exported on /q/metrics");
        });
        String scrape =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(
                scrape.contains("http_server_requests_seconds_bucket{") && scrape.contains("uri=\"/checkEligibility\""),
                "checkEligibility's latency histogram, by the uri the dashboard selects");
        assertTrue(
                scrape.contains("regworkers_queue_depth{queue=\"upsertUsersQueue-dlq\""),
                "the DLQ depths the alert reads");
    }

    @Test
    void theMetricNameReaderSkipsFunctionsLabelsAndDurations() {
        assertEquals(
                Set.of("http_server_requests_seconds_bucket"),
                OpsFiles.metricNames(
                        "histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket{uri=\"/checkEligibility\"}[5m]))) > 1"));
        assertEquals(
                Set.of("a_total", "b_total"),
                OpsFiles.metricNames(
                        "sum(increase(a_total{outcome=\"failed\"}[10m])) > 0 and sum without (pod) (b_total) == 0"));
    }

    private static Set<String> exportedNames() {
        String scrape =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        return scrape.lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toSet());
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
