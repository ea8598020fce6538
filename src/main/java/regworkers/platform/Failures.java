package regworkers.platform;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.camel.component.jsonvalidator.JsonValidationException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Decides what a failure means for the message that met it ({@link #classify}), and names it for logs and the
 * dead-letter queue. Only what the message itself makes impossible is {@link FailureKind#PERMANENT}; a failing
 * dependency (whatever it answered, or that it did not answer) is {@link FailureKind#DEPENDENCY}, never the message's
 * fault.
 */
public final class Failures {

    private Failures() {}

    /** The first throwable along the cause chain that tells what the failure is decides; else it is transient. */
    public static FailureKind classify(Throwable failure) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            FailureKind kind = kindOf(current);
            if (kind != null) {
                return kind;
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return FailureKind.TRANSIENT;
    }

    private static FailureKind kindOf(Throwable failure) {
        if (failure instanceof WorkDoneElsewhere) {
            return FailureKind.DONE_ELSEWHERE;
        }
        if (failure instanceof DependencyUnavailable) {
            return FailureKind.DEPENDENCY;
        }
        // before I/O: a JsonProcessingException is an IOException, and a too large record a KafkaException
        if (failure instanceof PermanentFailure
                || failure instanceof JsonValidationException
                || failure instanceof JsonProcessingException
                || failure instanceof RecordTooLargeException) {
            return FailureKind.PERMANENT;
        }
        if (failure instanceof CallNotPermittedException
                || failure instanceof SdkClientException
                || failure instanceof IOException
                || failure instanceof TimeoutException
                || failure instanceof KafkaException) {
            return FailureKind.DEPENDENCY;
        }
        if (failure instanceof AwsServiceException aws
                && (aws.statusCode() >= 500
                        || aws.statusCode() == 401
                        || aws.statusCode() == 403
                        || aws.isThrottlingException())) {
            return FailureKind.DEPENDENCY;
        }
        return null;
    }

    public static boolean isPermanent(Throwable failure) {
        return classify(failure) == FailureKind.PERMANENT;
    }

    /** Which dependency a {@link FailureKind#DEPENDENCY} failure is about, when it says. */
    public static Optional<Worker.Dependency> dependencyOf(Throwable failure) {
        if (classify(failure) != FailureKind.DEPENDENCY) {
            return Optional.empty();
        }
        DependencyUnavailable unavailable = find(failure, DependencyUnavailable.class);
        if (unavailable != null && unavailable.dependency().isPresent()) {
            return unavailable.dependency();
        }
        if (find(failure, KafkaException.class) != null) {
            return Optional.of(Worker.Dependency.KAFKA);
        }
        AwsServiceException aws = find(failure, AwsServiceException.class);
        if (aws != null) {
            String service = aws.getClass().getPackageName();
            if (service.contains(".services.sqs")) {
                return Optional.of(Worker.Dependency.SQS);
            }
            if (service.contains(".services.sns")) {
                return Optional.of(Worker.Dependency.SNS);
            }
            if (service.contains(".services.dynamodb")) {
                return Optional.of(Worker.Dependency.DYNAMODB);
            }
        }
        return Optional.empty();
    }

    /** A short machine-readable code for the failure. */
    public static String reason(Throwable failure) {
        if (failure == null) {
            return "UNKNOWN";
        }
        FailureKind kind = classify(failure);
        if (kind != FailureKind.PERMANENT) {
            return (kind == FailureKind.DEPENDENCY ? "DEPENDENCY_" : "TRANSIENT_")
                    + failure.getClass().getSimpleName();
        }
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
        if (find(failure, RecordTooLargeException.class) != null) {
            return "PAYLOAD_TOO_LARGE";
        }
        return "PERMANENT_" + failure.getClass().getSimpleName();
    }

    /** A human-readable description, specific enough to act on (schema errors listed), with personal data masked. */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown failure";
        }
        JsonValidationException invalid = find(failure, JsonValidationException.class);
        if (invalid != null) {
            return "schema validation failed: "
                    + invalid.getErrors().stream()
                            .map(Object::toString)
                            .sorted()
                            .reduce((a, b) -> a + "; " + b)
                            .orElse(invalid.getMessage());
        }
        JsonProcessingException malformed = find(failure, JsonProcessingException.class);
        if (malformed != null && classify(failure) == FailureKind.PERMANENT) {
            return "malformed JSON: " + PiiRedactionFilter.redact(malformed.getOriginalMessage());
        }
        return PiiRedactionFilter.redact(String.valueOf(failure.getMessage()));
    }

    public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return null;
    }
}
