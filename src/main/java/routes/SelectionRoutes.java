package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.model.RouteDefinition;
import regworkers.platform.Correlation;
import regworkers.platform.QueueWorkerRouteBuilder;
import regworkers.platform.Worker;
import regworkers.selection.CodeMarks.PendingCodes;
import regworkers.selection.MarkAssignedCodesConfig;
import regworkers.selection.MarketSelections;
import regworkers.selection.SelectionConfig;

/**
 * selection stack. enqueueMarketSelections (REST for Step Functions, and invoke): claim the run → market capacity →
 * rank every page of scoring records → reserve codes once → record → saveSelectionQueue, 25 winners a message, 10
 * messages a SendMessageBatch. saveSelections: entry service assign-codes → verdicts → markAssignedCodesQueue.
 * markAssignedCodes: aggregated per (campaign, market) → code service mark-assigned → each message settled.
 * refreshSelections: per campaign on the schedule (and on demand) → stats to the entry service.
 */
@ApplicationScoped
public class SelectionRoutes extends QueueWorkerRouteBuilder {
    @Inject
    SelectionConfig selection;

    @Inject
    MarkAssignedCodesConfig markAssignedCodes;

    @Override
    public void configure() {
        // spotless:off: the route DSL is indented by hand to show the flow's nesting
        rest(selection.restPath())
                .post("/markets").routeId(Worker.ENQUEUE_MARKET_SELECTIONS.routeId("rest")).to(httpEndpoint(Worker.ENQUEUE_MARKET_SELECTIONS))
                .post("/campaigns/{campaignId}/refresh").routeId(Worker.REFRESH_SELECTIONS.routeId("rest")).to(httpEndpoint(Worker.REFRESH_SELECTIONS));

        httpTrigger(Worker.ENQUEUE_MARKET_SELECTIONS)
                .to(Worker.ENQUEUE_MARKET_SELECTIONS.workEndpoint())
                .setBody(method("selectionTriggers", "ok"));

        from(Worker.ENQUEUE_MARKET_SELECTIONS.workEndpoint()).routeId(Worker.ENQUEUE_MARKET_SELECTIONS.routeId()).errorHandler(noErrorHandler())
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
                    .to("aws2-sqs:" + queues.names().saveSelection() + "?operation=sendBatchMessage")
                    .bean("marketSelections", "requireAllSent")
                .end()
                .setBody(exchangeProperty(MarketSelections.RUN))
                .setBody(method("marketSelections", "emitted"));

        fromQueue(queues.names().saveSelection(), Worker.SAVE_SELECTIONS)
                .to(Worker.SAVE_SELECTIONS.workEndpoint())
                .to(acknowledge());

        fromWork(Worker.SAVE_SELECTIONS, "save")
                .setBody(method("selectionSaves", "read"))
                .setBody(method("selectionSaves", "save"))
                .filter(body().isNotNull())
                    .removeHeaders("*")
                    .setHeader(Correlation.HEADER, method(Correlation.class, "of"))
                    .to("aws2-sqs:" + queues.names().markAssignedCodes())
                .end();

        inBatches(fromQueue(queues.names().markAssignedCodes(), Worker.MARK_ASSIGNED_CODES)
                        .setBody(method("codeMarks", "pending")),
                simple("${body.market}"), PendingCodes.class, markAssignedCodes, method("codeMarks", "mark"));

        fromWork(Worker.MARK_ASSIGNED_CODES, "invoke")
                .setBody(method("codeMarks", "pending"))
                .setBody(method("codeMarks", "markNow"));

        long refreshEvery = selection.refresh().interval().toMillis();
        fromSchedule("timer:" + Worker.REFRESH_SELECTIONS.id() + "?delay=" + refreshEvery + "&period=" + refreshEvery,
                Worker.REFRESH_SELECTIONS, "Refreshing a campaign's selection stats")
                .split(method("selectionStats", "scheduledCampaigns"))
                    .bean("selectionStats", "refresh")
                .end();

        httpTrigger(Worker.REFRESH_SELECTIONS)
                .setBody(method("selectionStats", "refresh(${header.campaignId})"))
                .setBody(method("selectionTriggers", "ok"));

        fromWork(Worker.REFRESH_SELECTIONS, "invoke")
                .setBody(method("selectionStats", "refreshEvent"));
        // spotless:on
    }

    /** An HTTP trigger: the caller's API key, then the work; a failure answers a status that says whether to retry. */
    private RouteDefinition httpTrigger(Worker worker) {
        RouteDefinition route = from(httpEndpoint(worker)).routeId(worker.routeId("http"));
        route.onException(Exception.class)
                .handled(true)
                .logExhausted(false)
                .setBody(method("selectionTriggers", "failed"));
        return route.bean("selectionTriggers", "authorize");
    }

    private static String httpEndpoint(Worker worker) {
        return "direct:" + worker.routeId("http");
    }
}
