package routes;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

/**
 * Operations endpoints (SPEC §5), on in local/dev and when operations.enabled=true:
 * POST /workers/{name}/invoke runs a worker once; GET /dlq/{queue} lists a dead-letter queue;
 * POST /dlq/{queue}/redrive moves its messages back to {queue}.
 */
@ApplicationScoped
public class OperationsRoutes extends RouteBuilder {

    @Override
    public void configure() {
        rest("/workers").post("/{name}/invoke").consumes("application/json").produces("application/json")
                .routeId("platform-invoke").to("direct:platform-invoke");
        rest("/dlq")
                .get("/{queue}").produces("application/json").routeId("platform-dlq-list").to("direct:platform-dlq-list")
                .post("/{queue}/redrive").produces("application/json").routeId("platform-dlq-redrive").to("direct:platform-dlq-redrive");

        from("direct:platform-invoke").routeId("platform-invoke-run")
                .filter(simple("{{operations.enabled}} == false")).to("direct:platform-disabled").stop().end()
                .bean("workerInvocations", "invoke")
                .marshal().json();

        from("direct:platform-dlq-list").routeId("platform-dlq-list-run")
                .filter(simple("{{operations.enabled}} == false")).to("direct:platform-disabled").stop().end()
                .bean("deadLetterQueues", "list")
                .marshal().json();

        from("direct:platform-dlq-redrive").routeId("platform-dlq-redrive-run")
                .filter(simple("{{operations.enabled}} == false")).to("direct:platform-disabled").stop().end()
                .bean("deadLetterQueues", "redrive")
                .marshal().json();

        from("timer:queue-summary?delay={{queue.summary-interval-ms}}&period={{queue.summary-interval-ms}}")
                .routeId("platform-queue-summary")
                .bean("queueActivity", "logSummary");

        from("direct:platform-disabled").routeId("platform-disabled")
                .setHeader("CamelHttpResponseCode", constant(404))
                .setBody(constant("{\"error\":\"operations endpoints are disabled (operations.enabled=false)\"}"));
    }
}
