package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.model.ProcessorDefinition;
import regworkers.platform.QueueWorkerRouteBuilder;
import regworkers.platform.Worker;
import regworkers.replication.ReceivedEntry;
import regworkers.replication.SaveEntriesConfig;

/**
 * replication stack (enqueueEntries has its own RouteBuilder). saveEntries: saveEntriesQueue → batches per
 * campaign → the items' current state (one read per batch) → stale events acknowledged and counted → entry service →
 * each item marked replicated if unchanged. retryScore: retryScoreQueue → scoring service → score written with
 * needsReplication=true.
 */
@ApplicationScoped
public class ReplicationRoutes extends QueueWorkerRouteBuilder {
    @Inject
    SaveEntriesConfig saveEntries;

    @Override
    public void configure() {
        // spotless:off: the route DSL is indented by hand to show the flow's nesting
        ProcessorDefinition<?> saves = fromQueue(queues.names().saveEntries(), Worker.SAVE_ENTRIES)
                .setBody(method("entryReplication", "receive"));
        inBatches(saves, simple("${body.campaignId}"), ReceivedEntry.class, saveEntries, method("entryReplication", "replicate"));

        fromWork(Worker.SAVE_ENTRIES, "invoke")
                .setBody(method("entryReplication", "receive"))
                .setBody(method("entryReplication", "replicateNow"));

        fromQueue(queues.names().retryScore(), Worker.RETRY_SCORE)
                .to(Worker.RETRY_SCORE.workEndpoint())
                .to(acknowledge());

        fromWork(Worker.RETRY_SCORE, "score")
                .setBody(method("entryScores", "rescore"));
        // spotless:on
    }
}
