package regworkers.platform.services;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import regworkers.platform.WorkerSelection;

/**
 * The services' circuit breakers: whether one is open (calls fail at once), and the gauge
 * {@code regworkers_service_breaker_open{service}} (1 while open) for every service the selected workers call.
 */
@ApplicationScoped
public class ServiceBreakers {
    @Inject
    CamelContext camel;

    @Inject
    MeterRegistry metrics;

    @Inject
    WorkerSelection selection;

    void register(@Observes StartupEvent startup) {
        for (Service service : Service.values()) {
            if (selection.uses(service.dependency())) {
                Gauge.builder("regworkers.service.breaker.open", () -> isOpen(service) ? 1 : 0)
                        .tag("service", service.id())
                        .description("1 while the service's circuit breaker is open")
                        .register(metrics);
            }
        }
    }

    public boolean isOpen(Service service) {
        ResilienceProcessor breaker = camel.getProcessor(service.breakerId(), ResilienceProcessor.class);
        String state = breaker == null ? null : breaker.getCircuitBreakerState();
        return state != null && state.contains("OPEN") && !state.contains("HALF_OPEN");
    }
}
