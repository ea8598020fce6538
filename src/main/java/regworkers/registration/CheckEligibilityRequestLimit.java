package regworkers.registration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import regworkers.platform.Worker;
import regworkers.platform.WorkerSelection;
import regworkers.platform.http.RequestGuard.HttpRefusal;

/**
 * A checkEligibility request that declares a body over {@code check-eligibility.max-body-bytes} is answered 413 from
 * its headers, before a byte of the body is read. A body without a declared length is capped at that size by
 * {@link EligibilityRequests#checkTransport} after the HTTP layer buffered at most {@code quarkus.http.limits.max-body-size}.
 */
@ApplicationScoped
public class CheckEligibilityRequestLimit {

    /** After {@link regworkers.platform.http.RequestGuard}'s checks, before Quarkus' and Camel's handlers. */
    static final int PRIORITY = 900;

    @Inject
    CheckEligibilityConfig config;

    @Inject
    WorkerSelection selection;

    void register(@Observes Filters filters) {
        if (selection.runs(Worker.CHECK_ELIGIBILITY)) {
            filters.register(this::limit, PRIORITY);
        }
    }

    void limit(RoutingContext context) {
        if (context.request().method() == HttpMethod.POST && config.path().equals(context.normalizedPath())) {
            long declared = declaredLength(context.request().getHeader("Content-Length"));
            if (declared > config.maxBodyBytes()) {
                new HttpRefusal(
                                413,
                                "PAYLOAD_TOO_LARGE",
                                "the body has " + declared + " bytes, at most " + config.maxBodyBytes()
                                        + " are accepted",
                                null)
                        .send(context);
                return;
            }
        }
        context.next();
    }

    private static long declaredLength(String header) {
        try {
            return header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
