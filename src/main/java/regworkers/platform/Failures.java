package regworkers.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.camel.component.jsonvalidator.JsonValidationException;

/** Tells permanent failures (never retried) from transient ones, and names them for the dead-letter queue. */
public final class Failures {

    private Failures() {
    }

    public static boolean isPermanent(Throwable failure) {
        return find(failure, PermanentFailure.class) != null
                || find(failure, JsonValidationException.class) != null
                || find(failure, JsonProcessingException.class) != null;
    }

    /** The call was refused by a service's open circuit breaker: nothing was tried. */
    public static boolean isBreakerOpen(Throwable failure) {
        return find(failure, CallNotPermittedException.class) != null;
    }

    /** A short machine-readable code for the failure. */
    public static String reason(Throwable failure) {
        PermanentFailure permanent = find(failure, PermanentFailure.class);
        if (permanent != null) {
            return permanent.reason();
        }
        if (find(failure, JsonValidationException.class) != null) {
            return "SCHEMA_INVALID";
        }
        if (find(failure, JsonProcessingException.class) != null) {
            return "MALFORMED_JSON";
        }
        return failure == null ? "UNKNOWN" : "TRANSIENT_" + failure.getClass().getSimpleName();
    }

    /** A human-readable description, specific enough to act on (schema errors listed). */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown failure";
        }
        JsonValidationException invalid = find(failure, JsonValidationException.class);
        if (invalid != null) {
            return "schema validation failed: " + invalid.getErrors().stream()
                    .map(Object::toString).sorted().reduce((a, b) -> a + "; " + b).orElse(invalid.getMessage());
        }
        JsonProcessingException malformed = find(failure, JsonProcessingException.class);
        if (malformed != null) {
            return "malformed JSON: " + malformed.getOriginalMessage();
        }
        return PiiRedactionFilter.redact(String.valueOf(failure.getMessage()));
    }

    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
        }
        return null;
    }
}
