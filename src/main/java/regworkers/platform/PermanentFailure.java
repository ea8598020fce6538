package regworkers.platform;

/**
 * A message that can never succeed (malformed, schema-invalid, unknown type, too large): it goes to the
 * dead-letter queue at once, with {@link #reason()} as its failure reason.
 */
public class PermanentFailure extends RuntimeException {

    private final String reason;

    public PermanentFailure(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PermanentFailure(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** A short machine-readable code, e.g. MALFORMED_JSON, SCHEMA_INVALID, UNKNOWN_TYPE, PAYLOAD_TOO_LARGE. */
    public String reason() {
        return reason;
    }
}
