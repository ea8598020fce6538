package regworkers.replication.stream;

import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import routes.EnqueueEntriesRoutes;

/**
 * A stream reader polled the way production polls, through the steps of the enqueueEntries poll route
 * ({@link EnqueueEntriesRoutes#poll}), here on a route of its own ({@code enqueueEntries-test-…}) that runs one poll
 * per {@link #poll} call on the caller's thread. Closing it removes the route and gives the lease up.
 */
final class PolledReader implements AutoCloseable {

    private final CamelContext camel;
    private final StreamReader reader;
    private final String routeId = "enqueueEntries-test-" + UUID.randomUUID();
    private final ProducerTemplate template;

    PolledReader(CamelContext camel, StreamReader reader) throws Exception {
        this.camel = camel;
        this.reader = reader;
        RouteBuilder.addRoutes(
                camel,
                routes -> EnqueueEntriesRoutes.poll(
                        routes.from("direct:" + routeId).routeId(routeId), reader));
        this.template = camel.createProducerTemplate();
    }

    PollSummary poll() {
        return template.requestBody("direct:" + routeId, null, PollSummary.class);
    }

    boolean isLeader() {
        return reader.isLeader();
    }

    String ownerId() {
        return reader.ownerId();
    }

    /** What stopping the reader's timer route does: the lease is given up at once. */
    void release() {
        reader.release();
    }

    @Override
    public void close() throws Exception {
        camel.getRouteController().stopRoute(routeId);
        camel.removeRoute(routeId);
        template.stop();
        reader.release();
    }
}
