package regworkers.platform;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.processor.aggregate.AggregateProcessor;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

/**
 * Graceful shutdown and scale-in of the queue workers. When Camel starts stopping (SIGTERM): consumers stop receiving
 * ({@link QueuePollGate}), parked messages are handed back to their queues at once (visibility 0), batches waiting in
 * aggregators are completed now, and work in flight may finish for {@code queue.shutdown.drain-timeout}; whatever
 * is still held then, or when Camel has stopped, is handed back at once too, so another replica takes it without
 * waiting out a visibility timeout.
 * The timeouts fit the pod's termination grace period (checked by the manifest test).
 */
@ApplicationScoped
public class QueueDrain {

    private static final WorkerLog LOG = WorkerLog.of(QueueDrain.class);

    @Inject
    QueueConfig config;

    @Inject
    CamelContext camel;

    @Inject
    VisibilityHeartbeat heartbeat;

    @Inject
    HeldMessages held;

    @Inject
    Acknowledgements acknowledgements;

    private volatile boolean draining;

    private Thread drainer;

    void registerWithCamel(@Observes StartupEvent startup) {
        camel.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStoppingEvent
                        || event instanceof CamelEvent.CamelContextStoppedEvent;
            }

            @Override
            public void notify(CamelEvent event) throws InterruptedException {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    begin();
                    awaitDrained();
                } else {
                    handBackTheRest();
                }
            }
        });
    }

    public boolean isDraining() {
        return draining;
    }

    /** Stops receiving, hands back the parked messages, flushes the aggregators, and bounds the rest of the drain. */
    public synchronized void begin() {
        if (draining) {
            return;
        }
        draining = true;
        int parked = heartbeat.release(HeldMessages.Held::parked);
        LOG.info(
                "Draining for shutdown: no more receives, parked messages handed back",
                Map.of(
                        "released",
                        parked,
                        "drainTimeoutSeconds",
                        config.shutdown().drainTimeout().toSeconds()));
        drainer = new Thread(this::completeAndRelease, "regworkers-queue-drain");
        drainer.setDaemon(true);
        drainer.start();
    }

    /**
     * Holds Camel's stop until the work in flight is settled or handed back (at most the drain timeout): the routes
     * still run meanwhile. Once Camel stops a route's processors, a batch between its publish and its settles is
     * refused the next step (RejectedExecutionException) and its messages, handed back, would be worked twice.
     */
    private void awaitDrained() throws InterruptedException {
        Thread running;
        synchronized (this) {
            running = drainer;
        }
        if (running != null) {
            running.join(config.shutdown().drainTimeout().plusSeconds(1).toMillis());
        }
    }

    /**
     * Camel has stopped: no route will settle anything any more. The deletes of finished work go out first, then what
     * is still held (say a batch that Camel's stop cut short) is handed back at once, before the process exits: left
     * to the visibility timeout, another replica would wait 30 s for it.
     */
    void handBackTheRest() throws InterruptedException {
        acknowledgements.stop();
        int released = heartbeat.release(held -> true);
        if (released > 0) {
            LOG.info(
                    "Camel stopped: messages still held are handed back to their queues", Map.of("released", released));
        }
    }

    private void completeAndRelease() {
        Thread flusher = new Thread(this::completeBatches, "regworkers-queue-drain-batches");
        flusher.setDaemon(true);
        flusher.start();
        long deadline = System.nanoTime() + config.shutdown().drainTimeout().toNanos();
        try {
            while (held.total() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int released = heartbeat.release(held -> true);
        if (released > 0) {
            LOG.info(
                    "Drain timeout: messages still held are handed back to their queues", Map.of("released", released));
        }
    }

    private void completeBatches() {
        for (Route route : camel.getRoutes()) {
            for (Processor processor : route.filter("*")) {
                if (processor instanceof AggregateProcessor aggregator) {
                    aggregator.forceCompletionOfAllGroups();
                }
            }
        }
    }
}
