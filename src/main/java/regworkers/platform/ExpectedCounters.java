package regworkers.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/** Registers every {@link ExpectedCounter} of the workers this process runs, at 0, when it starts. */
@ApplicationScoped
class ExpectedCounters {
    @Inject
    MeterRegistry metrics;

    @Inject
    WorkerSelection selection;

    @Inject
    @Any
    Instance<ExpectedCounter> expected;

    void register(@Observes StartupEvent startup) {
        for (ExpectedCounter counter : expected) {
            if (!selection.runs(counter.worker())) {
                continue;
            }
            if (counter.tag() == null) {
                metrics.counter(counter.name());
            } else {
                counter.values().forEach(value -> metrics.counter(counter.name(), counter.tag(), value));
            }
        }
    }
}
