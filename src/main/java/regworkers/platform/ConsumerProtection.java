package regworkers.platform;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.throttling.ThrottlingExceptionRoutePolicy;
import org.apache.camel.throttling.ThrottlingInflightRoutePolicy;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Protections every queue consumer gets. An in-flight limit stops polling while too many messages are being worked
 * on (a slow downstream cannot make the process hoard messages). A circuit breaker stops polling after repeated
 * transient failures, and only resumes once the worker's dependencies answer again: during an outage messages stay in
 * their queue instead of burning their 3 receives.
 */
@ApplicationScoped
public class ConsumerProtection {

    @Inject
    DependencyChecks dependencyChecks;
    @ConfigProperty(name = "queue.max-inflight")
    int maxInflight;
    @ConfigProperty(name = "queue.circuit-breaker.failure-threshold")
    int failureThreshold;
    @ConfigProperty(name = "queue.circuit-breaker.failure-window")
    Duration failureWindow;
    @ConfigProperty(name = "queue.circuit-breaker.half-open-after")
    Duration halfOpenAfter;

    RoutePolicy inflightLimit() {
        ThrottlingInflightRoutePolicy policy = new ThrottlingInflightRoutePolicy();
        policy.setMaxInflightExchanges(maxInflight);
        policy.setResumePercentOfMax(70);
        return policy;
    }

    private final Map<String, List<ThrottlingExceptionRoutePolicy>> breakersByWorker = new ConcurrentHashMap<>();

    RoutePolicy circuitBreaker(Worker worker) {
        ThrottlingExceptionRoutePolicy policy = new ThrottlingExceptionRoutePolicy(failureThreshold,
                failureWindow.toMillis(), halfOpenAfter.toMillis(), List.of());
        policy.setHalfOpenHandler(() -> dependencyChecks.allUp(worker.dependencies()));
        breakersByWorker.computeIfAbsent(worker.id(), id -> new CopyOnWriteArrayList<>()).add(policy);
        return policy;
    }

    /**
     * A transient failure that happened outside the consumer's own exchange (in a batch formed by an aggregator):
     * counted by the worker's consumer breakers as if the exchange had failed, so an outage stops the polling too.
     */
    void recordTransientFailure(String workerId, Throwable failure) {
        for (ThrottlingExceptionRoutePolicy breaker : breakersByWorker.getOrDefault(workerId, List.of())) {
            if (breaker.getRoute() != null) {
                Exchange failed = new DefaultExchange(breaker.getRoute().getCamelContext());
                failed.setException(failure instanceof Exception e ? e : new RuntimeException(failure));
                breaker.onExchangeDone(breaker.getRoute(), failed);
            }
        }
    }
}
