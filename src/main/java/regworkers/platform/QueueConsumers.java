package regworkers.platform;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.AsyncProcessorConverterHelper;

/**
 * The queue consumer routes of this process, by route id, and how a held message enters its route again: as if SQS
 * had delivered it once more, with the same receipt handle and receive count, but without SQS counting a receive.
 */
@ApplicationScoped
public class QueueConsumers {
    @Inject
    CamelContext camel;

    private final Map<String, Worker> workerByRoute = new ConcurrentHashMap<>();

    void register(String routeId, Worker worker) {
        workerByRoute.put(routeId, worker);
    }

    public Optional<Worker> workerOf(String routeId) {
        return routeId == null ? Optional.empty() : Optional.ofNullable(workerByRoute.get(routeId));
    }

    /** Runs a held message through its consumer route again; false when the route is not running. */
    boolean resubmit(HeldMessages.Held held) {
        Route route = camel.getRoute(held.routeId());
        Consumer consumer = route == null ? null : route.getConsumer();
        if (consumer == null
                || !camel.getRouteController().getRouteStatus(held.routeId()).isStarted()) {
            return false;
        }
        Exchange exchange = consumer.createExchange(false);
        exchange.getMessage().setHeaders(new HashMap<>(held.headers()));
        exchange.getMessage().setBody(held.message().body());
        AsyncProcessor processor = AsyncProcessorConverterHelper.convert(consumer.getProcessor());
        processor.process(exchange, doneSync -> consumer.releaseExchange(exchange, false));
        return true;
    }
}
