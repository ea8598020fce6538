package regworkers.platform;

import java.util.Optional;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The process's {@link WorkerSelection}, from APP_NAME / APP_STACK (properties app.name / app.stack). */
public class WorkerSelectionProducer {

    @ConfigProperty(name = "app.name")
    Optional<String> appName;
    @ConfigProperty(name = "app.stack")
    Optional<String> appStack;

    @Produces
    @Singleton
    WorkerSelection selection() {
        return WorkerSelection.of(appName.orElse(null), appStack.orElse(null));
    }
}
