package regworkers.platform.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.junit.jupiter.api.Test;
import regworkers.platform.RedisConfig;

/**
 * The services' rate limits hold for the fleet: two replicas (the app's {@link ServiceRateLimits} and a second one
 * built here, each with its own Redis connections) share the real Redis' buckets, and a replica whose Redis stops
 * answering keeps going at its share of the limit until Redis answers again. The scoring limit is 20/s in the test
 * profile; a bucket holds 100 ms of it (2 tokens).
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class ServiceRateLimitsTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    @Inject
    ServicesConfig services;

    @Inject
    RedisConfig redis;

    @Inject
    ServiceRateLimits thisReplica;

    @Inject
    MeterRegistry appMetrics;

    private final LocalStack stack = LocalStack.shared();

    @Test
    void twoReplicasTogetherStayWithinTheServicesLimit() throws Exception {
        SimpleMeterRegistry otherMetrics = new SimpleMeterRegistry();
        ServiceRateLimits otherReplica = new ServiceRateLimits(services, redis, otherMetrics);
        double thisReplicaLocalBefore = appLocalTokens();
        String campaign = "two-replicas-" + UUID.randomUUID();
        List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (ServiceRateLimits replica : List.of(thisReplica, otherReplica, thisReplica, otherReplica)) {
                done.add(callers.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        replica.acquire(Service.SCORING, campaign);
                        tokens.add(System.nanoTime());
                    }
                    return null;
                }));
            }
            for (Future<?> caller : done) {
                caller.get();
            }
        } finally {
            callers.shutdownNow();
            otherReplica.close();
        }

        assertEquals(60, tokens.size());
        assertEquals(0.0, localTokens(otherMetrics), "every token came from the shared bucket");
        assertEquals(thisReplicaLocalBefore, appLocalTokens(), "every token came from the shared bucket");
        int limit = (int) services.scoring().rateLimit();
        Duration took = Duration.ofNanos(Collections.max(tokens) - Collections.min(tokens));
        // 60 tokens at 20/s, 2 of them in the bucket at the start: the last cannot come before 2.9 s
        assertTrue(took.toMillis() >= 2_800, "60 tokens at " + limit + "/s took only " + took.toMillis() + " ms");
        int most = mostInAnyWindow(tokens, SECOND);
        assertTrue(
                most <= limit + 2,
                most + " tokens within one second across two replicas; the fleet's limit is " + limit
                        + "/s plus a burst of 2");
    }

    @Test
    void aReplicaWhoseRedisStopsAnsweringTakesItsShareLocallyThenSharesAgain() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        ServiceRateLimits replica = new ServiceRateLimits(services, redis, metrics);
        String campaign = "redis-frozen-" + UUID.randomUUID();
        List<Long> tokens = new ArrayList<>();
        try {
            stack.freeze(LocalStack.Server.REDIS);
            try {
                for (int i = 0; i < 4; i++) {
                    replica.acquire(Service.SCORING, campaign);
                    tokens.add(System.nanoTime());
                }
            } finally {
                stack.thaw(LocalStack.Server.REDIS);
            }
            assertEquals(4.0, localTokens(metrics), "every token was taken locally while Redis was frozen");
            // limit 20/s over fleet-replicas 10: 2/s, a bucket of 1
            int most = mostInAnyWindow(tokens, SECOND);
            assertTrue(most <= 3, most + " local tokens within one second; this replica's share is 2/s");

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                double before = localTokens(metrics);
                replica.acquire(Service.SCORING, campaign);
                return localTokens(metrics) == before;
            });
        } finally {
            replica.close();
        }
    }

    /** The app's own limiter registers its counter when first used. */
    private double appLocalTokens() {
        Counter counter = appMetrics.find("regworkers.service.rate.limit.local").counter();
        return counter == null ? 0 : counter.count();
    }

    private static double localTokens(MeterRegistry metrics) {
        return metrics.get("regworkers.service.rate.limit.local").counter().count();
    }

    /** The most timestamps (System.nanoTime) that fall within any window of the given length. */
    private static int mostInAnyWindow(List<Long> times, Duration window) {
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        int most = 0;
        int first = 0;
        for (int last = 0; last < sorted.size(); last++) {
            while (sorted.get(last) - sorted.get(first) >= window.toNanos()) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }
}
