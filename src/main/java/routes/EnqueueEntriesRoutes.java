package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.builder.Builder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.RoutePolicySupport;
import regworkers.platform.Worker;
import regworkers.replication.stream.ReplicationStreamConfig;
import regworkers.replication.stream.StreamReader;

/**
 * enqueueEntries: the demand-table stream → saveEntriesQueue as {entry, operation} (design: the package-info of
 * regworkers.replication.stream). A poll every {@code replication.stream.poll-interval}: take or renew the leader
 * lease (other replicas stop there) → the readable shards, parents before children → per shard: read up to N records
 * after its checkpoint → the kept ones to SQS in batches of up to 10, the checkpoint written after each batch → one
 * log line with the counts.
 */
@ApplicationScoped
public class EnqueueEntriesRoutes extends RouteBuilder {

    private static final Worker WORKER = Worker.ENQUEUE_ENTRIES;
    private static final String POLL = "direct:" + WORKER.routeId("poll");

    @Inject
    StreamReader reader;

    @Inject
    ReplicationStreamConfig stream;

    @Override
    public void configure() {
        // spotless:off: the route DSL is indented by hand to show the flow's nesting
        from("timer:" + WORKER.id() + "?period=" + stream.pollInterval().toMillis()).routeId(WORKER.routeId())
                .routePolicy(new ReleaseLeaseOnStop(reader))
                .to(POLL);

        poll(from(POLL).routeId(WORKER.routeId("poll")), reader);

        from(WORKER.workEndpoint()).routeId(WORKER.routeId("invoke"))
                .errorHandler(noErrorHandler())
                .setBody(method("enqueueEntries", "forwardEvent"));
        // spotless:on
    }

    /**
     * One poll of {@code reader}; the body it ends with is the poll's PollSummary. Static so that tests run other
     * readers (a second replica, a thief, a broken reader) through these same steps, each on a route of its own.
     */
    public static void poll(RouteDefinition route, StreamReader reader) {
        // spotless:off: the route DSL is indented by hand to show the flow's nesting
        route.onException(Exception.class).handled(true).logExhausted(false)
                    .process(exchange -> exchange.getMessage().setBody(
                            reader.pollFailed(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))))
                .end()
                .filter(Builder.method(reader, "holdLease"))
                    .split(Builder.method(reader, "readableShards"))
                        .setBody(Builder.method(reader, "read"))
                        .bean(reader, "forward")
                    .end()
                .end()
                .bean(reader, "report");
        // spotless:on
    }

    /** A stopped reader gives its lease up at once, so another replica need not wait for it to expire. */
    static final class ReleaseLeaseOnStop extends RoutePolicySupport {

        private final StreamReader reader;

        ReleaseLeaseOnStop(StreamReader reader) {
            this.reader = reader;
        }

        @Override
        public void onStop(Route route) {
            reader.release();
        }

        @Override
        public void onSuspend(Route route) {
            reader.release();
        }
    }
}
