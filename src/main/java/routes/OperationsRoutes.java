package routes;

import static regworkers.platform.WorkerSelection.platformRouteId;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import regworkers.platform.OperationsConfig;
import regworkers.platform.QueueConfig;

/**
 * Operations endpoints (SPEC §5), on in local/dev and when operations.enabled=true:
 * POST /workers/{name}/invoke runs a worker once; GET /dlq/{queue} lists a dead-letter queue;
 * POST /dlq/{queue}/redrive moves its messages back to {queue}.
 */
@ApplicationScoped
public class OperationsRoutes extends RouteBuilder {
    @Inject
    OperationsConfig operations;

    @Inject
    QueueConfig queues;

    @Override
    public void configure() {
        // spotless:off: the route DSL is indented by hand to show the flow's nesting
        rest("/workers").post("/{name}/invoke").consumes("application/json").produces("application/json")
                .routeId(platformRouteId("invoke")).to("direct:" + platformRouteId("invoke"));
        rest("/dlq")
                .get("/{queue}").produces("application/json")
                    .routeId(platformRouteId("dlq-list")).to("direct:" + platformRouteId("dlq-list"))
                .post("/{queue}/redrive").produces("application/json")
                    .routeId(platformRouteId("dlq-redrive")).to("direct:" + platformRouteId("dlq-redrive"));

        operation("invoke")
                .bean("workerInvocations", "invoke")
                .marshal().json();

        operation("dlq-list")
                .bean("deadLetterQueues", "list")
                .marshal().json();

        operation("dlq-redrive")
                .bean("deadLetterQueues", "redrive")
                .marshal().json();

        long summaryEvery = queues.summaryInterval().toMillis();
        from("timer:queue-summary?delay=" + summaryEvery + "&period=" + summaryEvery)
                .routeId(platformRouteId("queue-summary"))
                .bean("queueActivity", "logSummary");

        from("direct:platform-disabled").routeId("platform-disabled")
                .setHeader("CamelHttpResponseCode", constant(404))
                .setBody(constant("{\"error\":\"operations endpoints are disabled (operations.enabled=false)\"}"));
        // spotless:on
    }

    /** An operation's route ({@code direct:platform-<name>}): answers 404 unless operations are enabled. */
    private RouteDefinition operation(String name) {
        RouteDefinition route = from("direct:" + platformRouteId(name)).routeId(platformRouteId(name + "-run"));
        route.filter(constant(!operations.enabled()))
                .to("direct:platform-disabled")
                .stop()
                .end();
        return route;
    }
}
