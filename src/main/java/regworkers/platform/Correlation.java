package regworkers.platform;

import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;

/** The correlation id that follows a piece of work across queues, topics and logs. */
public final class Correlation {

    /** Name of the SQS/SNS message attribute and Kafka header that carries it. */
    public static final String HEADER = "correlationId";

    public static final String PROPERTY = "regworkers.correlationId";

    private Correlation() {}

    /** At most this long, of these characters, and nothing the PII redaction would mask. */
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");

    /** The id the message carries, else its own message id; remembered on the exchange. */
    static String fromMessage(Exchange exchange, String messageId) {
        String correlationId = acceptable(exchange.getMessage().getHeader(HEADER, String.class))
                .orElse(messageId);
        exchange.setProperty(PROPERTY, correlationId);
        return correlationId;
    }

    /**
     * A correlation id a caller or a producer supplied, if it can be used as one: an id travels into logs, traces,
     * DLQ attributes and answers, so one that is too long, has other characters or looks like an email, a phone
     * number or a token is not taken (the work gets an id of its own).
     */
    public static Optional<String> acceptable(String supplied) {
        if (supplied == null
                || !ACCEPTABLE.matcher(supplied).matches()
                || !PiiRedactionFilter.redact(supplied).equals(supplied)) {
            return Optional.empty();
        }
        return Optional.of(supplied);
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
