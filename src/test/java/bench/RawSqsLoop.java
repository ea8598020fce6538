package bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * What the raw baselines ({@link RawSqsToKafka}, {@link RawSqsToUserService}) share: {@code threads} loops, each
 * ReceiveMessage (10, long poll 1 s) -> {@link #handle} (the system's own work, which returns the messages it is done
 * with) -> one DeleteMessageBatch of those. Counts what was deleted and the failures (the first one is kept).
 */
abstract class RawSqsLoop implements AutoCloseable {

    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean withAttributes;
    private final List<Thread> loops = new ArrayList<>();
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private volatile boolean running = true;

    /** {@code withAttributes}: receive the message attributes and system attributes too (the correlation id travels in one). */
    RawSqsLoop(SqsClient sqs, String queueUrl, boolean withAttributes) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.withAttributes = withAttributes;
    }

    /** Starts the loops, named {@code name-<t>}; the last step of a subclass's constructor, once its own fields are set. */
    protected final void start(int threads, String name) {
        for (int t = 0; t < threads; t++) {
            Thread loop = new Thread(this::loop, name + "-" + t);
            loop.setDaemon(true);
            loops.add(loop);
        }
        loops.forEach(Thread::start);
    }

    /** The system's work on one received batch; returns the messages to delete (failures go to {@link #fail}). */
    protected abstract List<Message> handle(List<Message> messages) throws Exception;

    private void loop() {
        while (running) {
            try {
                List<Message> messages = sqs.receiveMessage(this::receive).messages();
                if (messages.isEmpty()) {
                    continue;
                }
                List<Message> done = handle(messages);
                if (done.isEmpty()) {
                    continue;
                }
                List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(done.size());
                for (Message message : done) {
                    entries.add(DeleteMessageBatchRequestEntry.builder()
                            .id(Integer.toString(entries.size()))
                            .receiptHandle(message.receiptHandle())
                            .build());
                }
                DeleteMessageBatchResponse deleted =
                        sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
                if (!deleted.failed().isEmpty()) {
                    fail(new IllegalStateException("DeleteMessageBatch failed for " + deleted.failed()));
                }
                handled.addAndGet(deleted.successful().size());
            } catch (Exception e) {
                if (running) {
                    fail(e);
                }
            }
        }
    }

    private void receive(ReceiveMessageRequest.Builder request) {
        request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1);
        if (withAttributes) {
            request.messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL);
        }
    }

    protected final void fail(Throwable e) {
        failed.incrementAndGet();
        firstFailure.compareAndSet(null, e);
    }

    long handled() {
        return handled.get();
    }

    long failures() {
        return failed.get();
    }

    Throwable firstFailure() {
        return firstFailure.get();
    }

    /** For a stuck phase's error message. */
    String diagnostics() {
        return "baseline failures " + failures() + ", first " + firstFailure();
    }

    /** Adds a problem to {@code problems} if the loops failed at all. */
    void reportFailures(List<String> problems) {
        if (failures() > 0) {
            problems.add(failures() + " failures in the baseline loop, first: " + firstFailure());
        }
    }

    /** Stops the loops (each finishes its batch, at most 15 s). */
    @Override
    public void close() {
        running = false;
        for (Thread loop : loops) {
            try {
                loop.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
