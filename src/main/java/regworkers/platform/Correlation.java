package regworkers.platform;

import org.apache.camel.Exchange;

/** The correlation id that follows a piece of work across queues, topics and logs. */
public final class Correlation {

    /** Name of the SQS/SNS message attribute and Kafka header that carries it. */
    public static final String HEADER = "correlationId";
    public static final String PROPERTY = "regworkers.correlationId";

    private Correlation() {
    }

    /** The id the message carries, else its own message id; remembered on the exchange. */
    static String fromMessage(Exchange exchange, String messageId) {
        String carried = exchange.getMessage().getHeader(HEADER, String.class);
        String correlationId = carried != null && !carried.isBlank() ? carried : messageId;
        exchange.setProperty(PROPERTY, correlationId);
        return correlationId;
    }

    public static String of(Exchange exchange) {
        String correlationId = exchange.getProperty(PROPERTY, String.class);
        if (correlationId == null) {
            correlationId = exchange.getExchangeId();
            exchange.setProperty(PROPERTY, correlationId);
        }
        return correlationId;
    }
}
