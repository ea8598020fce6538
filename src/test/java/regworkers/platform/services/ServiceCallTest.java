package regworkers.platform.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import regworkers.platform.FailureKind;
import regworkers.platform.Failures;
import standins.Faults;
import standins.StandInServer;

/**
 * Outgoing calls through {@link ServiceClient} against real stand-ins: retries on 5xx, no retry on 404, the rate
 * limit, and the circuit breaker. The scoring service is the one no other test of this run calls yet.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class ServiceCallTest {

    @Inject
    ServiceClient services;

    private final StandInServer scoring = LocalStack.shared().standIns().scoring();
    private final StandInServer campaign = LocalStack.shared().standIns().campaign();

    /** Heals the stand-in and waits until the breaker is closed again (more successes than half-open permits). */
    @AfterEach
    void heal() {
        scoring.faults(Faults.NONE);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> IntStream.range(0, 5).allMatch(i -> score("heal").isSuccessful()));
    }

    @Test
    void aServiceThatRecoversWithinTheRetriesIsAnsweredAsIfNothingHappened() throws Exception {
        scoring.faults(Faults.serviceDown());
        int before = scoring.requests().size();
        CompletableFuture<ServiceResponse> call = CompletableFuture.supplyAsync(() -> score("recovers"));
        await().atMost(Duration.ofSeconds(10)).until(() -> scoring.requests().size() > before);
        scoring.faults(Faults.NONE);

        assertEquals(200, call.get().status());
        assertTrue(scoring.requests().size() - before >= 2, "the failed attempt was retried");
    }

    @Test
    void a404IsAnsweredAtOnceWithoutRetries() {
        int before = campaign.requests().size();
        ServiceResponse response =
                services.call(ServiceRequest.get(Service.CAMPAIGN, "/campaigns/by-slug/never-seeded"));

        assertTrue(response.isNotFound());
        assertEquals(1, campaign.requests().size() - before);
        assertThrows(ServiceRejected.class, response::requireSuccess);
    }

    @Test
    void aServiceThatStaysDownFailsAfterTheRetriesThenTheBreakerOpens() {
        scoring.faults(Faults.serviceDown());
        int before = scoring.requests().size();
        ServiceUnavailable failure = assertThrows(ServiceUnavailable.class, () -> score("down"));
        assertEquals(503, failure.status());
        assertEquals(1 + 3, scoring.requests().size() - before, "one attempt and three retries");

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            try {
                score("down");
                return false;
            } catch (ServiceClient.ServiceCallFailed refused) {
                return Failures.find(refused, CallNotPermittedException.class) != null;
            } catch (ServiceUnavailable stillCalling) {
                return false;
            }
        });
        int whileOpen = scoring.requests().size();
        ServiceClient.ServiceCallFailed refused =
                assertThrows(ServiceClient.ServiceCallFailed.class, () -> score("down"));
        assertEquals(FailureKind.DEPENDENCY, Failures.classify(refused), "an open breaker is the service's failure");
        assertEquals(
                java.util.Optional.of(regworkers.platform.Worker.Dependency.SCORING_SERVICE),
                Failures.dependencyOf(refused));
        assertEquals(whileOpen, scoring.requests().size(), "an open breaker makes no call");
    }

    @Test
    void callsAreHeldToTheServicesRateLimit() {
        // %test.services.scoring.rate-limit=20 per second: 50 calls cannot finish in less than 2 periods
        long started = System.nanoTime();
        IntStream.range(0, 50)
                .parallel()
                .forEach(i -> assertEquals(200, score("rate-" + i).status()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.toMillis() >= 1900, "50 calls at 20/s took only " + took.toMillis() + " ms");
    }

    private ServiceResponse score(String userId) {
        return services.call(ServiceRequest.post(
                Service.SCORING,
                "/scores",
                "{\"campaignId\":\"service-call-test\",\"globalUserId\":\"" + userId + "\"}"));
    }
}
