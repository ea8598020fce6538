package routes;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceUnavailable;
import regworkers.platform.services.ServicesConfig;

/**
 * Calls to the other teams' services (SPEC §3), one pair of routes per service, used through
 * {@link ServiceClient}. The outer route retries an attempt on 429/5xx/timeouts with exponential backoff and jitter;
 * an attempt passes its circuit breaker (Resilience4j, configured by {@code camel.resilience4j.*}), waits for a token
 * of the service's fleet-wide rate limit ({@code ServiceRateLimits}) and makes the HTTP request. Other 4xx answers are
 * returned, never retried; an open breaker fails at once, without a token.
 */
@ApplicationScoped
public class ServiceCallRoutes extends RouteBuilder {
    @Inject
    ServicesConfig services;

    @Override
    public void configure() {
        // spotless:off: the route DSL is indented by hand to show the flow's nesting
        for (Service service : Service.values()) {
            ServicesConfig.ServiceConfig settings = services.of(service);

            from(service.endpoint()).routeId(service.routeId())
                    .onException(ServiceUnavailable.class, IOException.class)
                        .maximumRedeliveries(services.retry().maxRetries())
                        .redeliveryDelay(services.retry().initialDelay().toMillis())
                        .useExponentialBackOff().backOffMultiplier(2)
                        .maximumRedeliveryDelay(services.retry().maxDelay().toMillis())
                        .useCollisionAvoidance()
                        .retryAttemptedLogLevel(LoggingLevel.WARN).logRetryStackTrace(false)
                        .logExhausted(false)
                    .end()
                    .to(service.attemptEndpoint());

            from(service.attemptEndpoint()).routeId(service.attemptRouteId())
                    .errorHandler(noErrorHandler())
                    .setHeader("x-api-key", constant(settings.apiKey().orElse("")))
                    .circuitBreaker().id(service.breakerId())
                        .bean("serviceRateLimits", "acquire")
                        .to(settings.url() + "?throwExceptionOnFailure=false"
                                + "&connectTimeout=" + services.connectTimeout().toMillis()
                                + "&connectionRequestTimeout=" + services.connectTimeout().toMillis()
                                + "&responseTimeout=" + settings.timeout().toMillis())
                        .convertBodyTo(String.class)
                        .bean("serviceStatus", "failIfRetryable")
                    .end();
        }
        // spotless:on
    }
}
