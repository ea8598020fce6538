package regworkers.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonParseException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.RuntimeCamelException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceRequest;
import regworkers.platform.services.ServiceResponse;
import regworkers.platform.services.ServiceUnavailable;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** What each failure means for the message that met it: only what the message makes impossible is permanent. */
class FailuresUnitTest {

    private static final ServiceRequest UPSERT = ServiceRequest.post(Service.USER, "/users/upsert-many", "{}");

    static Stream<Arguments> failures() {
        return Stream.of(
                // the message's own fault
                Arguments.of(
                        "malformed message",
                        new JsonParseException(null, "Unexpected end-of-input"),
                        FailureKind.PERMANENT,
                        null),
                Arguments.of(
                        "invalid message",
                        new PermanentFailure("INVALID_USER", "globalUserId is required"),
                        FailureKind.PERMANENT,
                        null),
                Arguments.of(
                        "a 400 for this request",
                        failureOf(new ServiceResponse(UPSERT, 400, "{}")),
                        FailureKind.PERMANENT,
                        null),
                Arguments.of(
                        "a 422 for this request",
                        failureOf(new ServiceResponse(UPSERT, 422, "{}")),
                        FailureKind.PERMANENT,
                        null),
                Arguments.of(
                        "a record too large for Kafka",
                        new RecordTooLargeException("too large"),
                        FailureKind.PERMANENT,
                        null),
                // a dependency's fault, whatever it answered
                Arguments.of(
                        "a 503 after retries",
                        new ServiceUnavailable(Service.USER, "POST user /users/upsert-many", 503),
                        FailureKind.DEPENDENCY,
                        Worker.Dependency.USER_SERVICE),
                Arguments.of(
                        "credentials refused (401)",
                        failureOf(new ServiceResponse(UPSERT, 401, "{}")),
                        FailureKind.DEPENDENCY,
                        Worker.Dependency.USER_SERVICE),
                Arguments.of(
                        "credentials refused (403)",
                        failureOf(new ServiceResponse(UPSERT, 403, "{}")),
                        FailureKind.DEPENDENCY,
                        Worker.Dependency.USER_SERVICE),
                Arguments.of(
                        "an HTML maintenance page",
                        jsonOf(new ServiceResponse(UPSERT, 200, "<html>maintenance</html>")),
                        FailureKind.DEPENDENCY,
                        Worker.Dependency.USER_SERVICE),
                Arguments.of(
                        "an empty answer",
                        jsonOf(new ServiceResponse(UPSERT, 200, "")),
                        FailureKind.DEPENDENCY,
                        Worker.Dependency.USER_SERVICE),
                Arguments.of(
                        "an open breaker",
                        CallNotPermittedException.createCallNotPermittedException(
                                CircuitBreaker.ofDefaults("service-user-breaker")),
                        FailureKind.DEPENDENCY,
                        null),
                Arguments.of(
                        "a read timeout", new SocketTimeoutException("Read timed out"), FailureKind.DEPENDENCY, null),
                Arguments.of(
                        "a wrapped I/O error",
                        new RuntimeCamelException(new IOException("Connection refused")),
                        FailureKind.DEPENDENCY,
                        null),
                Arguments.of(
                        "Kafka timing out",
                        new TimeoutException("Expiring 3 record(s)"),
                        FailureKind.DEPENDENCY,
                        Worker.Dependency.KAFKA),
                Arguments.of(
                        "an SDK client error",
                        SdkClientException.create("Unable to execute HTTP request"),
                        FailureKind.DEPENDENCY,
                        null),
                Arguments.of(
                        "DynamoDB throttling",
                        DynamoDbException.builder()
                                .statusCode(400)
                                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                        .errorCode("ThrottlingException")
                                        .build())
                                .build(),
                        FailureKind.DEPENDENCY,
                        Worker.Dependency.DYNAMODB),
                Arguments.of(
                        "SNS failing",
                        SnsException.builder().statusCode(500).build(),
                        FailureKind.DEPENDENCY,
                        Worker.Dependency.SNS),
                Arguments.of(
                        "SQS refusing our keys",
                        SqsException.builder().statusCode(403).build(),
                        FailureKind.DEPENDENCY,
                        Worker.Dependency.SQS),
                // neither: retried with a backoff, dead-lettered on the last receive
                Arguments.of(
                        "a per-item failure", new IllegalStateException("user failed"), FailureKind.TRANSIENT, null),
                Arguments.of(
                        "an SQS 400", SqsException.builder().statusCode(400).build(), FailureKind.TRANSIENT, null),
                // the work belongs to another message
                Arguments.of(
                        "a duplicate meeting its owner",
                        new WorkDoneElsewhere("owned"),
                        FailureKind.DONE_ELSEWHERE,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void classifiesEachFailureByWhatItSaysAboutTheMessage(
            String name, Throwable failure, FailureKind kind, Worker.Dependency dependency) {
        assertEquals(kind, Failures.classify(failure), name);
        assertEquals(Optional.ofNullable(dependency), Failures.dependencyOf(failure), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aDeadLetterReasonNamesTheFailure(
            String name, Throwable failure, FailureKind kind, Worker.Dependency dependency) {
        String reason = Failures.reason(failure);
        switch (kind) {
            case DEPENDENCY -> assertEquals(true, reason.startsWith("DEPENDENCY_"), reason);
            case TRANSIENT, DONE_ELSEWHERE -> assertEquals(true, reason.startsWith("TRANSIENT_"), reason);
            case PERMANENT ->
                assertEquals(false, reason.startsWith("TRANSIENT_") || reason.startsWith("DEPENDENCY_"), reason);
        }
    }

    private static RuntimeException failureOf(ServiceResponse response) {
        try {
            response.requireSuccess();
            throw new AssertionError("requireSuccess accepted " + response.status());
        } catch (RuntimeException failure) {
            return failure;
        }
    }

    private static RuntimeException jsonOf(ServiceResponse response) {
        try {
            response.json(new com.fasterxml.jackson.databind.ObjectMapper());
            throw new AssertionError("json() accepted " + response.body());
        } catch (RuntimeException failure) {
            return failure;
        }
    }
}
