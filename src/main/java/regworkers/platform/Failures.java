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

    /**
     * The failure each message of a batch gets when the one call for the whole batch failed. A downstream 4xx for a
     * batch of several cannot tell which message it objects to, so it must not send the good ones to the dead-letter
     * queue: it becomes retryable for each of them.
     */
    public static RuntimeException forEachMessageOfBatch(RuntimeException failure, int batchSize) {
        if (batchSize > 1 && isPermanent(failure)) {
            // no cause: a permanent cause would make the wrapper permanent again (isPermanent follows causes)
            return new IllegalStateException("the downstream service refused a batch of " + batchSize + ": " + failure.getMessage());
        }
        return failure;
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

    public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
        }
        return null;
    }
}
