package regworkers.platform;

import java.util.ArrayList;
import java.util.concurrent.ExecutorService;

import jakarta.inject.Inject;

import org.apache.camel.Expression;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

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

    @Inject
    protected QueueConfig queues;

    /**
     * The route consuming {@code queue} for {@code worker}. Before every poll the poll gate decides whether to receive
     * at all; each received message is held (kept invisible) at once, on the consumer's thread, then worked on by the
     * route's worker threads, so a slow message never leaves the rest of its poll unheld. The message is never deleted
     * by Camel: the route must end with {@link #acknowledge}; a failure anywhere is settled per message by the contract.
     */
    protected RouteDefinition fromQueue(String queue, Worker worker) {
        return consume(queue, worker, worker.routeId());
    }

    /** Another consumer of {@code worker}, on another of its queues (sendData has one per data type). */
    protected RouteDefinition fromQueue(String queue, Worker worker, String part) {
        return consume(queue, worker, worker.routeId(part));
    }

    private RouteDefinition consume(String queue, Worker worker, String routeId) {
        consumers.register(routeId, worker);
        if (selection.runs(worker)) {
            activity.expect(worker);
            depths.watch(queue);
        }
        RouteDefinition route = from("aws2-sqs:" + queue
                        + "?deleteAfterRead=false&attributeNames=All&messageAttributeNames=All&extendMessageVisibility=false"
                        + "&visibilityTimeout=" + queues.visibilityTimeout().toSeconds()
                        + "&maxMessagesPerPoll=" + queues.maxMessagesPerPoll()
                        + "&waitTimeSeconds=" + queues.waitTime().toSeconds()
                        + "&concurrentConsumers=" + queues.concurrentConsumers()
                        + "&greedy=true&delay=" + queues.pollDelay().toMillis() + "&pollStrategy=#queuePollGate")
                .routeId(routeId);
        route.onException(Exception.class).handled(true).logExhausted(false).bean(queueContract, "fail");
        route.process(exchange -> queueContract.received(exchange, worker.id(), routeId))
                .threads(queues.workerThreads(), queues.workerThreads())
                .maxQueueSize(queues.maxUnsettled())
                .rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns)
                .threadName(routeId)
                .bean(queueContract, "forgetIfLapsed");
        return route;
    }

    /**
     * A worker's work as a route of its own ({@link Worker#workEndpoint}, id {@code <worker>-<part>}), shared by its
     * queue consumer and the invoke endpoint. It handles no failure itself: a failure propagates to the caller, whose
     * contract settles it.
     */
    protected RouteDefinition fromWork(Worker worker, String part) {
        return from(worker.workEndpoint()).routeId(worker.routeId(part)).errorHandler(noErrorHandler());
    }

    /**
     * A worker's scheduled route ({@code uri}: a timer, or a {@code master:} timer that runs on the leader only). A
     * failed run is logged and the next tick tries again: a schedule has no message to settle.
     */
    protected RouteDefinition fromSchedule(String uri, Worker worker, String whatFails) {
        RouteDefinition route = from(uri).routeId(worker.routeId());
        route.onException(Exception.class)
                .handled(true)
                .logExhausted(false)
                .log(LoggingLevel.WARN, whatFails + " failed: ${exception.message}");
        return route;
    }

    /**
     * The batching end of a queue route: each message's share ({@code item}) is aggregated per {@code key} into
     * batches ({@code settings}); the messages whose invisibility ran out while they waited are dropped
     * ({@link QueueContract#stillHeld}), {@code work} runs once per batch and answers one {@link QueueOutcome} per
     * message, and each message is settled by its own outcome.
     */
    protected void inBatches(
            ProcessorDefinition<?> route,
            Expression key,
            Class<? extends BatchItem> item,
            BatchConfig settings,
            Expression work) {
        // spotless:off: the route DSL is indented by hand to show the flow's nesting
        String routeId = ProcessorDefinitionHelper.getRoute(route).getRouteId();
        ExecutorService batchThreads = getContext().getExecutorServiceManager()
                .newFixedThreadPool(this, routeId + "-batches", settings.batchesInFlight());
        route.aggregate(key, AggregationStrategies.flexible(item).accumulateInCollection(ArrayList.class))
                    .completionSize(settings.batchSize())
                    .completionTimeout(settings.batchWait().toMillis())
                    .completeAllOnStop()
                    .parallelProcessing().executorService(batchThreads)
                    .removeProperty(QueueMessage.PROPERTY)
                    .setBody(method(queueContract, "stillHeld"))
                    .filter(method(queueContract, "hasItems"))
                        .setBody(work)
                        .split(body())
                            .bean(queueContract, "settle")
                        .end()
                    .end()
                .end();
        // spotless:on
    }

    /** Last step of a consumer route: the work is durably done, the message leaves its queue. */
    protected String acknowledge() {
        return "bean:queueContract?method=acknowledge";
    }
}
