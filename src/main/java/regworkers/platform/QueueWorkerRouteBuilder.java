package regworkers.platform;

import jakarta.inject.Inject;

import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * Base of every RouteBuilder with queue consumers: {@link #fromQueue} wires the queue contract
 * ({@link QueueContract}) and the consumer protections into the route, so a worker's route only says what its work is.
 */
public abstract class QueueWorkerRouteBuilder extends RouteBuilder {

    @Inject
    protected QueueContract queueContract;
    @Inject
    ConsumerProtection consumerProtection;

    /**
     * A route consuming {@code queue} for {@code worker}, id {@code routeId}. The message is never deleted by Camel:
     * the route must end with {@link #acknowledge}; a failure anywhere is settled per message by the contract.
     */
    protected RouteDefinition fromQueue(String queue, String routeId, Worker worker) {
        RouteDefinition route = from("aws2-sqs:" + queue
                + "?deleteAfterRead=false&attributeNames=All&messageAttributeNames=All&extendMessageVisibility=true"
                + "&visibilityTimeout={{queue.visibility-timeout-seconds}}"
                + "&maxMessagesPerPoll={{queue.max-messages-per-poll}}"
                + "&waitTimeSeconds={{queue.wait-time-seconds}}"
                + "&concurrentConsumers={{queue.concurrent-consumers}}"
                + "&greedy=true&delay={{queue.poll-delay-ms}}")
                .routeId(routeId)
                .routePolicy(consumerProtection.inflightLimit(), consumerProtection.circuitBreaker(worker));
        Predicate settledByContract = method(queueContract, "settlesFailure");
        route.onException(Exception.class)
                .useOriginalMessage()
                .bean(queueContract, "fail")
                .handled(settledByContract);
        route.process(exchange -> queueContract.received(exchange, worker.id()));
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
