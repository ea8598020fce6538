package regworkers.platform;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;

/**
 * What the queue contract needs to know about the SQS message an exchange came from, including its original body
 * (what a dead-letter queue receives). Kept as an exchange property, so a route may replace the body and every
 * header, or aggregate messages into one call, and still settle each message.
 */
public record QueueMessage(
        String queue,
        String messageId,
        String receiptHandle,
        int receiveCount,
        long sentTimestamp,
        String worker,
        String body) {

    public static final String PROPERTY = "regworkers.queueMessage";

    static QueueMessage from(Exchange exchange, String worker) {
        String queue =
                ((Sqs2Endpoint) exchange.getFromEndpoint()).getConfiguration().getQueueName();
        Map<?, ?> attributes = exchange.getMessage().getHeader(Sqs2Constants.ATTRIBUTES, Map.class);
        return new QueueMessage(
                queue,
                exchange.getMessage().getHeader(Sqs2Constants.MESSAGE_ID, String.class),
                exchange.getMessage().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class),
                intAttribute(attributes, "ApproximateReceiveCount", 1),
                longAttribute(attributes, "SentTimestamp", System.currentTimeMillis()),
                worker,
                exchange.getMessage().getBody(String.class));
    }

    public static QueueMessage of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, QueueMessage.class);
    }

    private static int intAttribute(Map<?, ?> attributes, String name, int fallback) {
        return (int) longAttribute(attributes, name, fallback);
    }

    private static long longAttribute(Map<?, ?> attributes, String name, long fallback) {
        if (attributes == null) {
            return fallback;
        }
        for (Map.Entry<?, ?> entry : attributes.entrySet()) {
            if (String.valueOf(entry.getKey()).equals(name)) {
                return Long.parseLong(String.valueOf(entry.getValue()));
            }
        }
        return fallback;
    }
}
