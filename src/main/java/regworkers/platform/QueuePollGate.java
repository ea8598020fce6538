package regworkers.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.apache.camel.spi.RouteIdAware;

/**
 * Decides before every poll of a queue consumer whether it receives messages: not while its worker is paused by a
 * failing dependency ({@link WorkerPauses}), not while the worker holds {@code queue.max-unsettled} messages, not
 * while SQS does not answer the visibility heartbeat of what this process holds, and not once it drains for shutdown. The one place that starts and stops receiving: no route policy suspends
 * or resumes consumers, so no two rules can fight over one.
 */
@ApplicationScoped
@Named("queuePollGate")
public class QueuePollGate implements PollingConsumerPollStrategy {
    @Inject
    QueueConsumers consumers;

    @Inject
    WorkerPauses pauses;

    @Inject
    HeldMessages held;

    @Inject
    QueueDrain drain;

    @Inject
    VisibilityHeartbeat heartbeat;

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        if (drain.isDraining() || heartbeat.isFailing()) {
            return false;
        }
        String routeId = consumer instanceof RouteIdAware aware ? aware.getRouteId() : null;
        return consumers
                .workerOf(routeId)
                .map(worker -> !pauses.isPaused(worker) && !held.isFull(worker.id()))
                .orElse(true);
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        // nothing to do: messages are settled one by one by the queue contract
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        // a failed receive (SQS unreachable) is logged by the consumer and tried again at the next poll
        return false;
    }
}
