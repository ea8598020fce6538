package regworkers.platform;

/** How one message's share of a batched piece of work ended: {@code failure} null when it succeeded. */
public record QueueOutcome(QueueMessage message, String correlationId, Throwable failure) {

    public static QueueOutcome succeeded(QueueMessage message, String correlationId) {
        return new QueueOutcome(message, correlationId, null);
    }

    public static QueueOutcome failed(QueueMessage message, String correlationId, Throwable failure) {
        return new QueueOutcome(message, correlationId, failure);
    }
}
