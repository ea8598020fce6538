package regworkers.platform;

import jakarta.inject.Inject;

import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Base of every RouteBuilder with queue consumers: {@link #fromQueue} wires the queue contract ({@link QueueContract})
 * into the route, so a worker's route only says what its work is.
 */
public abstract class QueueWorkerRouteBuilder extends RouteBuilder {

    @Inject
    protected QueueContract queueContract;
    @Inject
    QueueConsumers consumers;
    @Inject
    QueueActivity activity;
    @Inject
    QueueDepths depths;
    @Inject
    WorkerSelection selection;
    @ConfigProperty(name = "queue.worker-threads")
    int workerThreads;
    @ConfigProperty(name = "queue.max-unsettled")
    int maxUnsettled;

    /**
     * A route consuming {@code queue} for {@code worker}, id {@code routeId}. Before every poll the poll gate decides
     * whether to receive at all; each received message is held (kept invisible) at once, on the consumer's thread,
     * then worked on by the route's worker threads, so a slow message never leaves the rest of its poll unheld. The
     * message is never deleted by Camel: the route must end with {@link #acknowledge}; a failure anywhere is settled
     * per message by the contract.
     */
    protected RouteDefinition fromQueue(String queue, String routeId, Worker worker) {
        consumers.register(routeId, worker);
        if (selection.runs(worker)) {
            activity.expect(worker);
            depths.watch(getContext().resolvePropertyPlaceholders(queue));
        }
        RouteDefinition route = from("aws2-sqs:" + queue
                + "?deleteAfterRead=false&attributeNames=All&messageAttributeNames=All&extendMessageVisibility=false"
                + "&visibilityTimeout={{queue.visibility-timeout-seconds}}"
                + "&maxMessagesPerPoll={{queue.max-messages-per-poll}}"
                + "&waitTimeSeconds={{queue.wait-time-seconds}}"
                + "&concurrentConsumers={{queue.concurrent-consumers}}"
                + "&greedy=true&delay={{queue.poll-delay-ms}}&pollStrategy=#queuePollGate")
                .routeId(routeId);
        route.onException(Exception.class)
                .handled(true)
                .logExhausted(false)
                .bean(queueContract, "fail");
        route.process(exchange -> queueContract.received(exchange, worker.id(), routeId))
                .threads(workerThreads, workerThreads).maxQueueSize(maxUnsettled)
                    .rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns).threadName(routeId);
        return route;
    }

    /**
     * A worker's work as a route of its own ({@code direct:<worker>}), shared by its queue consumer and the invoke
     * endpoint. It handles no failure itself: a failure propagates to the caller, whose contract settles it.
     */
    protected RouteDefinition fromWork(String worker, String routeId) {
        return from("direct:" + worker).routeId(routeId).errorHandler(noErrorHandler());
    }

    /** Last step of a consumer route: the work is durably done, the message leaves its queue. */
    protected String acknowledge() {
        return "bean:queueContract?method=acknowledge";
    }
}
