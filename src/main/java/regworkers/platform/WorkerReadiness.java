package regworkers.platform;

import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is this process' own state, never a dependency's answer: a dependency outage reaches every replica alike,
 * so taking them all out of the Service turns a degraded checkEligibility (stale campaigns from Redis, or straight
 * from the campaign service without Redis) into no checkEligibility at all, and a paused queue worker is already
 * doing the right thing. Ready while Camel runs and the process is not draining for shutdown; the paused workers
 * and why are in the check's data. Each dependency's own answer: {@code /q/health/group/dependencies}.
 */
@Readiness
@ApplicationScoped
public class WorkerReadiness implements HealthCheck {
    @Inject
    CamelContext camel;

    @Inject
    WorkerSelection selection;

    @Inject
    WorkerPauses pauses;

    @Inject
    QueueDrain drain;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("workers")
                .withData(
                        "workers",
                        selection.workers().stream()
                                .map(Worker::id)
                                .sorted()
                                .toList()
                                .toString());
        Map<String, String> paused = new TreeMap<>();
        pauses.paused().forEach((worker, why) -> paused.put(worker.id(), why));
        paused.forEach((worker, why) -> response.withData("paused." + worker, PiiRedactionFilter.redact(why)));
        if (drain.isDraining()) {
            return response.down().withData("state", "draining for shutdown").build();
        }
        if (!camel.getStatus().isStarted()) {
            return response.down()
                    .withData("state", "Camel is " + camel.getStatus())
                    .build();
        }
        return response.up()
                .withData(
                        "state", paused.isEmpty() ? "running" : "running, " + paused.size() + " paused by a dependency")
                .build();
    }
}
