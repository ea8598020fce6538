package regworkers.platform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The queue-consumer contract of SPEC §4, shared by every queue worker. Consumers never let Camel delete a message
 * (deleteAfterRead=false): a message is deleted here, by {@link #acknowledge}, only once its work is durably done.
 * Until then it is held ({@link HeldMessages}) and kept invisible ({@link VisibilityHeartbeat}). A failure is decided
 * per message by what it means ({@link Failures#classify}):
 * <ul>
 * <li>the message can never succeed: dead-letter queue at once, with the reason;</li>
 * <li>a dependency failed: the worker pauses ({@link WorkerPauses}) and the message is parked in this process, then
 * run again when the dependency answers. It uses up no receive, so an outage of any length costs only delay;</li>
 * <li>another message owns the work: acknowledged;</li>
 * <li>anything else: back to the queue after a jittered exponential backoff, and to the dead-letter queue on its
 * {@code queue.max-receive-count}th receive.</li>
 * </ul>
 * The queues' own redrive policy (a higher count, infra/infrastructure.yaml) is only the backstop for a process that
 * died holding a message.
 */
@ApplicationScoped
@Named("queueContract")
public class QueueContract {

    private static final WorkerLog LOG = WorkerLog.of(QueueContract.class);

    public static final String FAILURE_REASON = "failureReason";
    public static final String FAILURE_DETAIL = "failureDetail";
    public static final String SOURCE_QUEUE = "sourceQueue";
    public static final String FAILED_WORKER = "failedWorker";
    public static final String RECEIVE_COUNT = "receiveCount";
    private static final int MAX_DETAIL_LENGTH = 1024;

    @Inject
    QueueConfig config;

    @Inject
    SqsClient sqs;

    @Inject
    QueueUrls queueUrls;

    @Inject
    QueueActivity activity;

    @Inject
    Acknowledgements acknowledgements;

    @Inject
    HeldMessages held;

    @Inject
    WorkerPauses pauses;

    @Inject
    QueueConsumers consumers;

    @Inject
    QueueDrain drain;

    @Inject
    VisibilityHeartbeat heartbeat;

    @PostConstruct
    void wire() {
        pauses.onResume(worker -> runParked(worker.id()));
        heartbeat.afterEachBeat(() -> {
            for (Worker worker : Worker.values()) {
                if (!pauses.isPaused(worker)) {
                    runParked(worker.id());
                }
            }
        });
    }

    /**
     * First step of every consumer route: holds the message, sets the correlation id and the log context. A message
     * that arrives while its worker is paused is parked at once, without being worked on.
     */
    public void received(Exchange exchange, String workerId, String routeId) {
        Worker worker = Worker.byId(workerId).orElseThrow();
        QueueMessage message = QueueMessage.from(exchange, workerId);
        exchange.setProperty(QueueMessage.PROPERTY, message);
        String correlationId = Correlation.fromMessage(exchange, message.messageId());
        WorkerLog.context(worker, correlationId);
        WorkerSpans.begin(exchange, worker, correlationId, message.messageId());
        if (held.hold(message, routeId, exchange.getMessage().getHeaders())) {
            count(workerId, "received");
        }
        if (pauses.isPaused(worker)) {
            throw new WorkerPaused(worker);
        }
    }

    /**
     * Before a message's work begins, on its worker thread: a message whose invisibility ran out while it waited in
     * this process (the heartbeat could not reach SQS) is forgotten instead of worked on, since SQS may hand it to
     * another consumer now ({@link HeldMessages#forgetIfLapsed}); the exchange stops here.
     */
    public void forgetIfLapsed(Exchange exchange) {
        QueueMessage message = QueueMessage.of(exchange);
        if (message != null && lapsed(message)) {
            exchange.setRouteStop(true);
        }
    }

    /** The same for a batch, before its work begins: the items whose messages are still this process's. */
    public <T extends BatchItem> List<T> stillHeld(List<T> batch) {
        List<T> kept = new ArrayList<>(batch.size());
        for (T item : batch) {
            if (!lapsed(item.message())) {
                kept.add(item);
            }
        }
        return kept;
    }

    /** Whether a batch has anything left to work on. */
    public boolean hasItems(List<?> batch) {
        return !batch.isEmpty();
    }

    private boolean lapsed(QueueMessage message) {
        if (!held.forgetIfLapsed(message)) {
            return false;
        }
        count(message.worker(), "lapsed");
        LOG.warn(
                "The message's invisibility ran out while it waited here (SQS did not answer the heartbeat):"
                        + " not worked on, whoever receives it next does the work",
                Map.of("queue", message.queue(), "messageId", message.messageId()));
        return true;
    }

    /** The work is durably done: the message may leave its queue. */
    public void acknowledge(Exchange exchange) {
        acknowledge(QueueMessage.of(exchange));
    }

    void acknowledge(QueueMessage message) {
        // held (kept invisible) until SQS confirmed the delete
        acknowledgements.delete(queueUrls.of(message.queue()), message);
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
        } else {
            fail(outcome.message(), outcome.correlationId(), outcome.failure());
        }
    }

    /** Decides what becomes of a message whose work failed (the consumer route's error handler). */
    public void fail(Exchange exchange) {
        QueueMessage message = QueueMessage.of(exchange);
        if (message != null) {
            fail(message, exchange.getProperty(Correlation.PROPERTY, String.class), caught(exchange));
        }
    }

    private void fail(QueueMessage message, String correlationId, Throwable cause) {
        FailureKind kind = Failures.classify(cause);
        switch (kind) {
            case DONE_ELSEWHERE -> {
                LOG.info(
                        "Work owned by another message: acknowledged",
                        Map.of(
                                "queue",
                                message.queue(),
                                "messageId",
                                message.messageId(),
                                "why",
                                Failures.describe(cause)));
                acknowledge(message);
            }
            case PERMANENT -> {
                deadLetter(message, correlationId, Failures.reason(cause), Failures.describe(cause));
                LOG.warn("Message can never succeed: sent to the dead-letter queue", failureData(message, cause));
            }
            case DEPENDENCY -> waitForDependency(message, correlationId, cause);
            case TRANSIENT -> retryLater(message, correlationId, cause);
        }
    }

    private void waitForDependency(QueueMessage message, String correlationId, Throwable cause) {
        Worker worker = Worker.byId(message.worker()).orElseThrow();
        if (drain.isDraining()) {
            release(message);
            return;
        }
        boolean failedRun = !(cause instanceof WorkerPaused);
        if (failedRun) {
            pauses.pause(worker, cause);
        }
        int runs = held.park(message, failedRun, activity.processed(message.worker()));
        if (runs >= config.pause().maxRunsPerMessage()) {
            // the dependency works for the worker's other messages but keeps failing for this one: its own failure
            LOG.warn(
                    "Message failed on a dependency " + runs
                            + " times while other messages succeeded: sent back to its queue",
                    failureData(message, cause));
            retryLater(message, correlationId, cause);
            return;
        }
        count(message.worker(), "parked");
        if (!pauses.isPaused(worker)) {
            runParked(message.worker());
        }
    }

    private void retryLater(QueueMessage message, String correlationId, Throwable cause) {
        held.settled(message);
        if (message.receiveCount() >= config.maxReceiveCount()) {
            deadLetter(
                    message,
                    correlationId,
                    "RETRIES_EXHAUSTED",
                    Failures.reason(cause) + ": " + Failures.describe(cause));
            LOG.error(
                    "Message failed " + message.receiveCount() + " times: sent to the dead-letter queue",
                    failureData(message, cause));
            return;
        }
        Duration backoff = backoff(message.receiveCount());
        sqs.changeMessageVisibility(b -> b.queueUrl(queueUrls.of(message.queue()))
                .receiptHandle(message.receiptHandle())
                .visibilityTimeout((int) Math.max(0, backoff.toSeconds())));
        count(message.worker(), "retried");
        LOG.warn("Message failed: it will be retried in " + backoff.toSeconds() + " s", failureData(message, cause));
    }

    /** Hands a message back to its queue at once (visibility 0): this process will not finish it. */
    private void release(QueueMessage message) {
        held.settled(message);
        sqs.changeMessageVisibility(b -> b.queueUrl(queueUrls.of(message.queue()))
                .receiptHandle(message.receiptHandle())
                .visibilityTimeout(0));
        count(message.worker(), "released");
    }

    /** Runs the worker's parked messages again (its dependencies answer). */
    void runParked(String worker) {
        held.unpark(worker, parked -> {
            if (!consumers.resubmit(parked)) {
                release(parked.message());
            }
        });
    }

    private void deadLetter(QueueMessage message, String correlationId, String reason, String detail) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put(FAILURE_REASON, SqsAttributes.text(reason));
        // the detail is an exception's text, which may quote the message or a service's answer
        String maskedDetail = PiiRedactionFilter.redact(detail);
        attributes.put(
                FAILURE_DETAIL,
                SqsAttributes.text(
                        maskedDetail.length() > MAX_DETAIL_LENGTH
                                ? maskedDetail.substring(0, MAX_DETAIL_LENGTH)
                                : maskedDetail));
        attributes.put(SOURCE_QUEUE, SqsAttributes.text(message.queue()));
        attributes.put(FAILED_WORKER, SqsAttributes.text(message.worker()));
        attributes.put(RECEIVE_COUNT, SqsAttributes.text(String.valueOf(message.receiveCount())));
        if (correlationId != null) {
            attributes.put(Correlation.HEADER, SqsAttributes.text(PiiRedactionFilter.redact(correlationId)));
        }
        sqs.sendMessage(b -> b.queueUrl(queueUrls.of(message.queue() + config.deadLetterSuffix()))
                .messageBody(message.body())
                .messageAttributes(attributes));
        sqs.deleteMessage(b -> b.queueUrl(queueUrls.of(message.queue())).receiptHandle(message.receiptHandle()));
        held.settled(message);
        count(message.worker(), "dead_lettered");
    }

    private static Map<String, Object> failureData(QueueMessage message, Throwable cause) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("queue", message.queue());
        data.put("messageId", message.messageId());
        data.put("receiveCount", message.receiveCount());
        data.put("reason", Failures.reason(cause));
        data.put("error", Failures.describe(cause));
        return data;
    }

    private Duration backoff(int receiveCount) {
        long base = config.retry().baseDelay().toMillis() << Math.min(10, Math.max(0, receiveCount - 1));
        long capped = Math.min(base, config.retry().maxDelay().toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Duration.ofMillis(jittered);
    }

    private void count(String worker, String outcome) {
        activity.count(worker, outcome);
    }

    private static Throwable caught(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return cause != null ? cause : exchange.getException();
    }

    /** A message received while its worker is paused: parked without being worked on. */
    static final class WorkerPaused extends DependencyUnavailable {
        WorkerPaused(Worker worker) {
            super(null, "worker " + worker.id() + " is paused: a dependency is failing");
        }
    }
}
