package regworkers.platform.services;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

/** Inside a service's circuit breaker: turns a retryable status into a failure, so the breaker and retries see it. */
@ApplicationScoped
@Named("serviceStatus")
public class ServiceStatus {

    /** Exchange property: the {@link Service} a call is for. */
    public static final String SERVICE = "regworkers.service";

    public void failIfRetryable(Exchange exchange) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (isRetryable(status)) {
            String request = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class) + " "
                    + exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
            throw new ServiceUnavailable(exchange.getProperty(SERVICE, Service.class), request, status);
        }
    }

    public static boolean isRetryable(int status) {
        return status == 429 || status >= 500;
    }
}
