package regworkers.platform;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The queue-consumer contract of SPEC §4, shared by every queue worker. Consumers never let Camel delete a message
 * (deleteAfterRead=false): a message is deleted here, by {@link #acknowledge}, only once its work is durably done.
 * A failure is decided per message by {@link #fail}: a permanent one goes to the dead-letter queue at once, a
 * retryable one comes back after a backoff until its 3rd receive, then goes to the dead-letter queue; either way
 * with the reason as message attributes.
 */
@ApplicationScoped
@Named("queueContract")
public class QueueContract {

    public static final String FAILURE_REASON = "failureReason";
    public static final String FAILURE_DETAIL = "failureDetail";
    public static final String SOURCE_QUEUE = "sourceQueue";
    public static final String FAILED_WORKER = "failedWorker";
    public static final String RECEIVE_COUNT = "receiveCount";
    private static final int MAX_DETAIL_LENGTH = 1024;

    @Inject
    SqsClient sqs;
    @Inject
    QueueActivity activity;
    @Inject
    ConsumerProtection consumerProtection;
    @Inject
    Acknowledgements acknowledgements;
    @Inject
    UnsettledMessages unsettled;
    @ConfigProperty(name = "queue.max-receive-count")
    int maxReceiveCount;
    @ConfigProperty(name = "queue.dead-letter-suffix")
    String deadLetterSuffix;
    @ConfigProperty(name = "queue.retry.base-delay")
    Duration retryBaseDelay;
    @ConfigProperty(name = "queue.retry.max-delay")
    Duration retryMaxDelay;
    @ConfigProperty(name = "queue.retry.breaker-open-delay")
    Duration retryBreakerOpenDelay;

    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();

    /** First step of every consumer route: remembers the message, sets the correlation id and the log context. */
    public void received(Exchange exchange, String workerId) {
        Worker worker = Worker.byId(workerId).orElseThrow();
        QueueMessage message = QueueMessage.from(exchange, workerId);
        exchange.setProperty(QueueMessage.PROPERTY, message);
        String correlationId = Correlation.fromMessage(exchange, message.messageId());
        WorkerLog.context(worker, correlationId);
        WorkerSpans.begin(exchange, worker, correlationId, message.messageId());
        unsettled.awaitRoom(workerId);
        unsettled.received(workerId, message.messageId());
        count(workerId, "received");
    }

    /** The work is durably done: the message may leave its queue. */
    public void acknowledge(Exchange exchange) {
        acknowledge(QueueMessage.of(exchange));
    }

    void acknowledge(QueueMessage message) {
        acknowledgements.delete(queueUrl(message.queue()), message.receiptHandle());
        unsettled.settled(message.worker(), message.messageId());
        count(message.worker(), "processed");
    }

    /**
     * Settles one message of a batch that was worked on together (after an aggregator): acknowledged when its work
     * succeeded, else failed exactly like a single message.
     */
    public void settle(QueueOutcome outcome) {
        Worker.byId(outcome.message().worker()).ifPresent(worker -> WorkerLog.context(worker, outcome.correlationId()));
        if (outcome.failure() == null) {
            acknowledge(outcome.message());
            return;
        }
        fail(outcome.message(), outcome.correlationId(), outcome.failure());
        if (!Failures.isPermanent(outcome.failure())) {
            consumerProtection.recordTransientFailure(outcome.message().worker(), outcome.failure());
        }
    }

    /** Whether {@link #fail} settles the failure itself (dead-lettered) rather than leaving it to a retry. */
    public boolean settlesFailure(Exchange exchange) {
        QueueMessage message = QueueMessage.of(exchange);
        return message == null || Failures.isPermanent(caught(exchange)) || message.receiveCount() >= maxReceiveCount;
    }

    /** Decides what becomes of a message whose work failed. */
    public void fail(Exchange exchange) {
        QueueMessage message = QueueMessage.of(exchange);
        if (message != null) {
            fail(message, exchange.getProperty(Correlation.PROPERTY, String.class), caught(exchange));
        }
    }

    private void fail(QueueMessage message, String correlationId, Throwable cause) {
        unsettled.settled(message.worker(), message.messageId());
        String reason = Failures.reason(cause);
        Map<String, Object> data = Map.of("queue", message.queue(), "messageId", message.messageId(),
                "receiveCount", message.receiveCount(), "reason", reason, "error", Failures.describe(cause));
        if (Failures.isPermanent(cause)) {
            deadLetter(message, correlationId, reason, Failures.describe(cause));
            WorkerLog.warn("Message can never succeed: sent to the dead-letter queue", data);
        } else if (message.receiveCount() >= maxReceiveCount) {
            deadLetter(message, correlationId, "RETRIES_EXHAUSTED", reason + ": " + Failures.describe(cause));
            WorkerLog.error("Message failed " + message.receiveCount() + " times: sent to the dead-letter queue", data);
        } else {
            Duration backoff = Failures.isBreakerOpen(cause)
                    ? max(backoff(message.receiveCount()), retryBreakerOpenDelay)
                    : backoff(message.receiveCount());
            sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl(message.queue())).receiptHandle(message.receiptHandle())
                    .visibilityTimeout((int) Math.max(0, backoff.toSeconds())));
            count(message.worker(), "retried");
            WorkerLog.warn("Message failed: it will be retried in " + backoff.toSeconds() + " s", data);
        }
    }

    private void deadLetter(QueueMessage message, String correlationId, String reason, String detail) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put(FAILURE_REASON, text(reason));
        attributes.put(FAILURE_DETAIL, text(detail.length() > MAX_DETAIL_LENGTH ? detail.substring(0, MAX_DETAIL_LENGTH) : detail));
        attributes.put(SOURCE_QUEUE, text(message.queue()));
        attributes.put(FAILED_WORKER, text(message.worker()));
        attributes.put(RECEIVE_COUNT, text(String.valueOf(message.receiveCount())));
        if (correlationId != null) {
            attributes.put(Correlation.HEADER, text(correlationId));
        }
        sqs.sendMessage(b -> b.queueUrl(queueUrl(message.queue() + deadLetterSuffix)).messageBody(message.body())
                .messageAttributes(attributes));
        sqs.deleteMessage(b -> b.queueUrl(queueUrl(message.queue())).receiptHandle(message.receiptHandle()));
        count(message.worker(), "dead_lettered");
    }

    private Duration backoff(int receiveCount) {
        long base = retryBaseDelay.toMillis() << Math.min(10, Math.max(0, receiveCount - 1));
        long capped = Math.min(base, retryMaxDelay.toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Duration.ofMillis(jittered);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    String queueUrl(String queue) {
        return queueUrls.computeIfAbsent(queue, name -> sqs.getQueueUrl(b -> b.queueName(name)).queueUrl());
    }

    private void count(String worker, String outcome) {
        activity.count(worker, outcome);
    }

    private static Throwable caught(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return cause != null ? cause : exchange.getException();
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
