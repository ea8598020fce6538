package regworkers.registration;

/**
 * A checkEligibility request the caller got wrong: answered with {@code status} and a body naming the problem
 * ({@code {"error", "message", "field"?}}), never a stack trace.
 */
public class ClientError extends RuntimeException {

    private final int status;
    private final String error;
    private final String field;

    public ClientError(int status, String error, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.field = field;
    }

    public static ClientError badRequest(String message, String field) {
        return new ClientError(400, "INVALID_REQUEST", message, field);
    }

    public static ClientError unauthorized(String message) {
        return new ClientError(401, "UNAUTHORIZED", message, null);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String field() {
        return field;
    }
}
