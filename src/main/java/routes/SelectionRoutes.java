package routes;

import java.util.ArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.model.RouteDefinition;
import regworkers.platform.Correlation;
import regworkers.platform.QueueMessage;
import regworkers.platform.QueueWorkerRouteBuilder;
import regworkers.platform.Worker;
import regworkers.selection.CodeMarks.PendingCodes;
import regworkers.selection.MarketSelections;

/**
 * selection stack. enqueueMarketSelections (REST for Step Functions, and invoke): claim the run → market capacity →
 * rank every page of scoring records → reserve codes once → record → saveSelectionQueue, 25 winners a message, 10
 * messages a SendMessageBatch. saveSelections: entry service assign-codes → verdicts → markAssignedCodesQueue.
 * markAssignedCodes: aggregated per (campaign, market) → code service mark-assigned → each message settled.
 * refreshSelections: per campaign on the schedule (and on demand) → stats to the entry service.
 */
@ApplicationScoped
public class SelectionRoutes extends QueueWorkerRouteBuilder {

    @Override
    public void configure() {
        rest("{{selection.rest-path}}")
                .post("/markets").routeId("enqueueMarketSelections-rest").to("direct:enqueueMarketSelections-http")
                .post("/campaigns/{campaignId}/refresh").routeId("refreshSelections-rest").to("direct:refreshSelections-http");

        httpTrigger("enqueueMarketSelections-http")
                .to("direct:enqueueMarketSelections")
                .setBody(method("selectionTriggers", "ok"));

        from("direct:enqueueMarketSelections").routeId("enqueueMarketSelections").errorHandler(noErrorHandler())
                .setBody(method("marketSelections", "request"))
                .setProperty(MarketSelections.RUN, method("marketSelections", "claim"))
                .setBody(exchangeProperty(MarketSelections.RUN))
                .filter(simple("${body.needsSelection}"))
                    .bean("marketSelections", "startRanking")
                    .loopDoWhile(simple("${body.morePages}"))
                        .bean("marketSelections", "rankNextPage")
                    .end()
                    .bean("marketSelections", "reserveAndRecord")
                .end()
                .split(method("marketSelections", "messageBatches")).streaming().stopOnException()
                    .removeHeaders("*")
                    .setHeader(Correlation.HEADER, method(Correlation.class, "of"))
                    .to("aws2-sqs:{{queue.save-selection}}?operation=sendBatchMessage")
                    .bean("marketSelections", "requireAllSent")
                .end()
                .setBody(exchangeProperty(MarketSelections.RUN))
                .setBody(method("marketSelections", "emitted"));

        fromQueue("{{queue.save-selection}}", "saveSelections", Worker.SAVE_SELECTIONS)
                .to("direct:saveSelections")
                .to(acknowledge());

        fromWork("saveSelections", "saveSelections-save")
                .setBody(method("selectionSaves", "read"))
                .setBody(method("selectionSaves", "save"))
                .filter(body().isNotNull())
                    .removeHeaders("*")
                    .setHeader(Correlation.HEADER, method(Correlation.class, "of"))
                    .to("aws2-sqs:{{queue.mark-assigned-codes}}")
                .end();

        fromQueue("{{queue.mark-assigned-codes}}", "markAssignedCodes", Worker.MARK_ASSIGNED_CODES)
                .setBody(method("codeMarks", "pending"))
                .aggregate(simple("${body.market}"), AggregationStrategies.flexible(PendingCodes.class).accumulateInCollection(ArrayList.class))
                    .completionSize("{{mark-assigned-codes.batch-size}}")
                    .completionTimeout("{{mark-assigned-codes.batch-wait-ms}}")
                    .removeProperty(QueueMessage.PROPERTY)
                    .setBody(method("codeMarks", "mark"))
                    .split(body())
                        .bean(queueContract, "settle")
                    .end()
                .end();

        fromWork("markAssignedCodes", "markAssignedCodes-invoke")
                .setBody(method("codeMarks", "markOne"));

        from("timer:refreshSelections?delay={{selection.refresh.interval-ms}}&period={{selection.refresh.interval-ms}}")
                .routeId("refreshSelections")
                .onException(Exception.class).handled(true).logExhausted(false)
                    .log(LoggingLevel.WARN, "Refreshing a campaign's selection stats failed: ${exception.message}")
                .end()
                .split(method("selectionStats", "scheduledCampaigns"))
                    .bean("selectionStats", "refresh")
                .end();

        httpTrigger("refreshSelections-http")
                .setBody(method("selectionStats", "refresh(${header.campaignId})"))
                .setBody(method("selectionTriggers", "ok"));

        fromWork("refreshSelections", "refreshSelections-invoke")
                .setBody(method("selectionStats", "refreshEvent"));
    }

    /** An HTTP trigger: the caller's API key, then the work; a failure answers a status that says whether to retry. */
    private RouteDefinition httpTrigger(String routeId) {
        RouteDefinition route = from("direct:" + routeId).routeId(routeId);
        route.onException(Exception.class).handled(true).logExhausted(false)
                .setBody(method("selectionTriggers", "failed"));
        return route.bean("selectionTriggers", "authorize");
    }
}
