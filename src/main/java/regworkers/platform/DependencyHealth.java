package regworkers.platform;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.health.api.HealthGroup;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * {@code /q/health/group/dependencies}: whether each connection the selected workers use answers, for people and
 * dashboards; no probe uses it (readiness is {@link WorkerReadiness}). The checks run at once, each bounded by
 * {@code health.check-timeout}, so the answer comes within that bound however many dependencies hang.
 */
@HealthGroup("dependencies")
@ApplicationScoped
public class DependencyHealth implements HealthCheck {

    @Inject
    HealthConfig health;

    @Inject
    DependencyChecks checks;

    @Inject
    WorkerSelection selection;

    private ExecutorService pool;

    @PostConstruct
    void start() {
        pool = BackgroundThreads.pool("regworkers-dependency-check");
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }

    @Override
    public HealthCheckResponse call() {
        Map<Worker.Dependency, CompletableFuture<Optional<String>>> answers = new EnumMap<>(Worker.Dependency.class);
        for (Worker.Dependency dependency : Worker.Dependency.values()) {
            if (selection.uses(dependency)) {
                answers.put(
                        dependency,
                        CompletableFuture.supplyAsync(() -> checks.probe(dependency), pool)
                                .completeOnTimeout(
                                        Optional.of("no answer within "
                                                + health.checkTimeout().toMillis() + " ms"),
                                        health.checkTimeout().toMillis(),
                                        TimeUnit.MILLISECONDS));
            }
        }
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named("dependencies").up();
        answers.forEach((dependency, answer) -> {
            Optional<String> problem = answer.join();
            response.withData(dependency.name().toLowerCase(), problem.orElse("UP"));
            if (problem.isPresent()) {
                response.down();
            }
        });
        return response.build();
    }
}
