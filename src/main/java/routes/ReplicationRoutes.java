package routes;

import java.util.ArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.AggregationStrategies;
import regworkers.platform.QueueMessage;
import regworkers.platform.QueueWorkerRouteBuilder;
import regworkers.platform.Worker;
import regworkers.replication.PendingEntry;

/**
 * replication stack (enqueueEntries has its own RouteBuilder). saveEntries: saveEntriesQueue → the item's current state →
 * stale events acknowledged and counted → batches per campaign → entry service → item marked replicated if
 * unchanged. retryScore: retryScoreQueue → scoring service → score written with needsReplication=true.
 */
@ApplicationScoped
public class ReplicationRoutes extends QueueWorkerRouteBuilder {

    @Override
    public void configure() {
        fromQueue("{{queue.save-entries}}", "saveEntries", Worker.SAVE_ENTRIES)
                .setBody(method("entryReplication", "read"))
                .filter(simple("${body.stale}"))
                    .bean("entryReplication", "skip")
                    .to(acknowledge())
                    .stop()
                .end()
                .aggregate(simple("${body.campaignId}"),
                        AggregationStrategies.flexible(PendingEntry.class).accumulateInCollection(ArrayList.class))
                    .completionSize("{{save-entries.batch-size}}")
                    .completionTimeout("{{save-entries.batch-wait-ms}}")
                    .removeProperty(QueueMessage.PROPERTY)
                    .setBody(method("entryReplication", "replicate"))
                    .split(body())
                        .bean(queueContract, "settle")
                    .end()
                .end();

        fromWork("saveEntries", "saveEntries-invoke")
                .setBody(method("entryReplication", "replicateOne"));

        fromQueue("{{queue.retry-score}}", "retryScore", Worker.RETRY_SCORE)
                .to("direct:retryScore")
                .to(acknowledge());

        fromWork("retryScore", "retryScore-score")
                .setBody(method("entryScores", "rescore"));
    }
}
