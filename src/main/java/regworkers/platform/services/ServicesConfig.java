package regworkers.platform.services;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** The other teams' services ({@code services.*}): where each is, its limits, and how calls are retried. */
@ConfigMapping(prefix = "services")
public interface ServicesConfig {

    ServiceConfig campaign();

    ServiceConfig entry();

    ServiceConfig code();

    ServiceConfig user();

    ServiceConfig scoring();

    Duration connectTimeout();

    Retry retry();

    default ServiceConfig of(Service service) {
        return switch (service) {
            case CAMPAIGN -> campaign();
            case ENTRY -> entry();
            case CODE -> code();
            case USER -> user();
            case SCORING -> scoring();
        };
    }

    interface ServiceConfig {

        String url();

        /** The whole answer's deadline of one attempt. */
        Duration timeout();

        /** Requests per second (SPEC §3). */
        long rateLimit();

        /** What the dependency check GETs: any answer below 500 but 401/403 means reachable. */
        String probePath();

        Optional<String> apiKey();
    }

    interface Retry {

        int maxRetries();

        Duration initialDelay();

        Duration maxDelay();
    }
}
