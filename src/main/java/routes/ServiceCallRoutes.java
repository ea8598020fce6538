package routes;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.eclipse.microprofile.config.Config;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceUnavailable;

/**
 * Calls to the other teams' services (SPEC §3), one pair of routes per service, used through
 * {@link ServiceClient}. The outer route retries an attempt on 429/5xx/timeouts with exponential backoff and jitter;
 * an attempt waits for the service's rate limit, passes its circuit breaker (Resilience4j, configured by
 * {@code camel.resilience4j.*}) and makes the HTTP request. Other 4xx answers are returned, never retried; an open
 * breaker fails at once.
 */
@ApplicationScoped
public class ServiceCallRoutes extends RouteBuilder {

    @Inject
    Config config;

    @Override
    public void configure() {
        for (Service service : Service.values()) {
            String settings = "services." + service.id() + ".";

            from(service.endpoint()).routeId("platform-service-" + service.id())
                    .onException(ServiceUnavailable.class, IOException.class)
                        .maximumRedeliveries("{{services.retry.max-retries}}")
                        .redeliveryDelay("{{services.retry.initial-delay-ms}}")
                        .useExponentialBackOff().backOffMultiplier(2)
                        .maximumRedeliveryDelay("{{services.retry.max-delay-ms}}")
                        .useCollisionAvoidance()
                        .retryAttemptedLogLevel(LoggingLevel.WARN).logRetryStackTrace(false)
                        .logExhausted(false)
                    .end()
                    .to(service.attemptEndpoint());

            from(service.attemptEndpoint()).routeId("platform-service-" + service.id() + "-attempt")
                    .errorHandler(noErrorHandler())
                    .throttle(config.getValue(settings + "rate-limit", Long.class)).totalRequestsMode()
                        .timePeriodMillis(1000).correlationExpression(exchangeProperty(ServiceClient.RATE_KEY))
                    .setHeader("x-api-key", constant(config.getOptionalValue(settings + "api-key", String.class).orElse("")))
                    .circuitBreaker().id(service.breakerId())
                        .to("{{" + settings + "url}}?throwExceptionOnFailure=false"
                                + "&connectTimeout={{services.connect-timeout-ms}}"
                                + "&connectionRequestTimeout={{services.connect-timeout-ms}}"
                                + "&responseTimeout={{" + settings + "timeout-ms}}")
                        .convertBodyTo(String.class)
                        .bean("serviceStatus", "failIfRetryable")
                    .end();
        }
    }
}
