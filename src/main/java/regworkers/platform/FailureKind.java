package regworkers.platform;

/** What a failed message's failure means for the message (decided by {@link Failures#classify}). */
public enum FailureKind {
    /** The message itself makes its work impossible (malformed, schema-invalid, unknown type, oversize, refused): DLQ at once. */
    PERMANENT,
    /** A dependency is failing: the worker pauses, the message waits in process and is retried when it answers. */
    DEPENDENCY,
    /** Another message owns or did the work: acknowledged. */
    DONE_ELSEWHERE,
    /** Anything else: retried after a backoff, dead-lettered on its last receive. */
    TRANSIENT
}
