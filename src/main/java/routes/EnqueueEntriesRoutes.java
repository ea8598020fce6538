package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.RoutePolicySupport;
import regworkers.replication.stream.ReplicationStreamConfig;
import regworkers.replication.stream.StreamReader;

/**
 * enqueueEntries: the demand-table stream → saveEntriesQueue as {entry, operation} (design: the package-info of
 * regworkers.replication.stream). Each poll: take or renew the leader lease (other replicas stop there) → the
 * readable shards, parents before children → per shard: read up to N records after its checkpoint → the kept ones
 * to SQS in batches of up to 10, the checkpoint written after each batch → one log line with the counts.
 */
@ApplicationScoped
public class EnqueueEntriesRoutes extends RouteBuilder {

    @Inject
    StreamReader reader;
    @Inject
    ReplicationStreamConfig stream;

    @Override
    public void configure() {
        from("timer:enqueueEntries?period=" + stream.pollInterval().toMillis()).routeId("enqueueEntries")
                .routePolicy(new ReleaseLeaseOnStop(reader))
                .onException(Exception.class).handled(true).logExhausted(false)
                    .process(exchange -> reader.pollFailed(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)))
                .end()
                .filter(method(reader, "holdLease"))
                    .split(method(reader, "readableShards"))
                        .setBody(method(reader, "read"))
                        .bean(reader, "forward")
                    .end()
                    .bean(reader, "report")
                .end();

        from("direct:enqueueEntries").routeId("enqueueEntries-invoke")
                .errorHandler(noErrorHandler())
                .setBody(method("enqueueEntries", "forwardEvent"));
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
