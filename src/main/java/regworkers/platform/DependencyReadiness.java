package regworkers.platform;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness covers every connection the selected workers use, and only those. */
@Readiness
@ApplicationScoped
public class DependencyReadiness implements HealthCheck {

    @Inject
    DependencyChecks checks;
    @Inject
    WorkerSelection selection;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("dependencies").up();
        for (Worker.Dependency dependency : Worker.Dependency.values()) {
            if (!selection.uses(dependency)) {
                continue;
            }
            Optional<String> problem = checks.check(dependency);
            response.withData(dependency.name().toLowerCase(), problem.orElse("UP"));
            if (problem.isPresent()) {
                response.down();
            }
        }
        response.withData("workers", selection.workers().stream().map(Worker::id).sorted().toList().toString());
        return response.build();
    }
}
