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

    /** How the rate limits are shared by the fleet: {@link ServiceRateLimits}. */
    SharedLimits sharedLimits();

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

        /**
         * The most replicas that call the service at once (every calling stack's KEDA maximum plus its surge): while
         * Redis does not answer, each replica takes the limit divided by this.
         */
        int fleetReplicas();

        /** What the dependency check GETs: any answer below 500 but 401/403 means reachable. */
        String probePath();

        Optional<String> apiKey();
    }

    interface Retry {

        int maxRetries();

        Duration initialDelay();

        Duration maxDelay();
    }

    interface SharedLimits {

        /** Prefix of the token buckets' keys in Redis ({@code redis.url}). */
        String keyPrefix();

        /** A Redis call's connect and answer deadline, and the longest wait for a pooled connection. */
        Duration redisTimeout();

        int redisConnections();

        /** After Redis failed to answer, how long this replica takes tokens locally before it asks Redis again. */
        Duration localFor();

        /** The most a bucket holds: the limit's requests for this long, what an idle moment lets pass at once. */
        Duration burst();
    }
}
