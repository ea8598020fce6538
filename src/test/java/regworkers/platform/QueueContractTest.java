package regworkers.platform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import support.Queues;

/**
 * The queue-consumer contract on a real SQS server: Camel's aws2-sqs consumer would delete a message whenever its
 * exchange completes (also through a handled exception); ours deletes only after the work succeeded.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class QueueContractTest {

    private static final String QUEUE = ContractProbeRoutes.QUEUE;
    private static final String DLQ = QUEUE + "-dlq";

    @Inject
    ContractProbeRoutes.Probe probe;

    private final Queues queues = new Queues(LocalStack.shared());

    @Test
    void aTransientFailureKeepsTheMessageUntilItsWorkSucceeds() {
        String id = UUID.randomUUID().toString();
        queues.send(QUEUE, "{\"id\":\"" + id + "\",\"failTimes\":2}");

        await().atMost(Duration.ofSeconds(30)).until(() -> probe.succeeded(id));
        assertEquals(3, probe.attempts(id), "two failed receives, then the one that succeeded");
        await().atMost(Duration.ofSeconds(10)).until(() -> queues.depth(QUEUE) == 0);
        assertTrue(deadLettered(id, Duration.ofSeconds(1)).isEmpty());
    }

    @Test
    void aMessageThatKeepsFailingGoesToTheDeadLetterQueueAfterThreeReceivesWithTheReason() {
        String id = UUID.randomUUID().toString();
        queues.send(QUEUE, "{\"id\":\"" + id + "\",\"failTimes\":99}", java.util.Map.of("correlationId", "corr-" + id));

        List<Message> dead = deadLettered(id, Duration.ofSeconds(40));
        assertEquals(1, dead.size());
        Message message = dead.get(0);
        assertEquals("RETRIES_EXHAUSTED", Queues.attribute(message, QueueContract.FAILURE_REASON));
        assertTrue(
                Queues.attribute(message, QueueContract.FAILURE_DETAIL).contains("fails transiently on attempt 3"),
                Queues.attribute(message, QueueContract.FAILURE_DETAIL));
        assertEquals("3", Queues.attribute(message, QueueContract.RECEIVE_COUNT));
        assertEquals(QUEUE, Queues.attribute(message, QueueContract.SOURCE_QUEUE));
        assertEquals("corr-" + id, Queues.attribute(message, "correlationId"));
        assertEquals(3, probe.attempts(id));
        await().atMost(Duration.ofSeconds(10)).until(() -> queues.depth(QUEUE) == 0);
    }

    @Test
    void aMessageThatCanNeverSucceedGoesToTheDeadLetterQueueAtOnce() {
        String id = UUID.randomUUID().toString();
        queues.send(QUEUE, "{\"id\":\"" + id + "\",\"permanent\":true}");

        List<Message> dead = deadLettered(id, Duration.ofSeconds(15));
        assertEquals(1, dead.size());
        assertEquals("PROBE_PERMANENT", Queues.attribute(dead.get(0), QueueContract.FAILURE_REASON));
        assertEquals("1", Queues.attribute(dead.get(0), QueueContract.RECEIVE_COUNT));
        assertEquals(1, probe.attempts(id), "never retried");
    }

    private List<Message> deadLettered(String id, Duration window) {
        long deadline = System.nanoTime() + window.toNanos();
        List<Message> found = new java.util.ArrayList<>();
        while (found.isEmpty() && System.nanoTime() < deadline) {
            found.addAll(queues.drain(DLQ, Duration.ofSeconds(1)).stream()
                    .filter(m -> m.body().contains(id))
                    .toList());
        }
        return found;
    }
}
