package regworkers.platform.services;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.MDC;
import regworkers.platform.DependencyUnavailable;
import regworkers.platform.WorkerLog;

/**
 * The one way business code calls another team's service. The request travels through the service's route
 * ({@code routes.ServiceCallRoutes}): retries with exponential backoff and jitter on 429/5xx/timeouts, the service's
 * rate limit, its circuit breaker, then HTTP. What comes back is the final answer: a response whose status is not
 * retryable, or an exception once the retries are spent or the breaker is open.
 */
@ApplicationScoped
public class ServiceClient {

    /** Exchange property the rate limit groups by. */
    public static final String RATE_KEY = "regworkers.serviceRateKey";

    static final String CORRELATION_HEADER = "x-correlation-id";

    @Inject
    ProducerTemplate producer;

    public ServiceResponse call(ServiceRequest request) {
        Exchange result = producer.send(request.service().endpoint(), exchange -> {
            exchange.setProperty(
                    RATE_KEY,
                    request.rateKey() != null
                            ? request.rateKey()
                            : request.service().id());
            exchange.setProperty(ServiceStatus.SERVICE, request.service());
            Message message = exchange.getMessage();
            message.setHeader(Exchange.HTTP_METHOD, request.method());
            message.setHeader(Exchange.HTTP_PATH, request.path());
            if (request.query() != null) {
                message.setHeader(Exchange.HTTP_QUERY, request.query());
            }
            Object correlationId = MDC.get(WorkerLog.CORRELATION_ID);
            if (correlationId != null) {
                message.setHeader(CORRELATION_HEADER, correlationId.toString());
            }
            if (request.body() != null) {
                message.setHeader(Exchange.CONTENT_TYPE, "application/json");
                message.setBody(request.body());
            }
        });
        Exception failure = result.getException();
        if (failure instanceof ServiceUnavailable unavailable) {
            throw unavailable;
        }
        if (failure != null) {
            throw new ServiceCallFailed(request, failure);
        }
        Integer status = result.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return new ServiceResponse(
                request, status == null ? 0 : status, result.getMessage().getBody(String.class));
    }

    /**
     * The call could not be made or answered in time (connection refused, timeout) even after the retries, or the
     * service's circuit breaker is open: the service failed, not the message.
     */
    public static class ServiceCallFailed extends DependencyUnavailable {
        ServiceCallFailed(ServiceRequest request, Throwable cause) {
            super(request.service().dependency(), request.describe() + " failed: " + cause.getMessage(), cause);
        }
    }
}
