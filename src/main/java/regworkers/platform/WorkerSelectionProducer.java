package regworkers.platform;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The process's {@link WorkerSelection}, from APP_NAME / APP_STACK (properties app.name / app.stack). */
public class WorkerSelectionProducer {
    @Inject
    AppConfig app;

    @Produces
    @Singleton
    WorkerSelection selection() {
        return WorkerSelection.of(app.name().orElse(null), app.stack().orElse(null));
    }
}
