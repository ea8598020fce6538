package regworkers.platform;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * How many messages wait on each queue this process consumes, and on its dead-letter queue, as the gauge
 * {@code regworkers_queue_depth{queue, state="visible"|"in_flight"}}, sampled every {@code queue.depth.sample-interval}
 * (-1 until the first sample, and while SQS cannot be asked). What the on-call's "DLQ not empty" alert and the
 * dashboard's backlog panels read (ops/).
 */
@ApplicationScoped
public class QueueDepths {

    private static final long UNKNOWN = -1;

    @Inject
    QueueConfig config;

    @Inject
    SqsClient sqs;

    @Inject
    QueueUrls urls;

    @Inject
    MeterRegistry metrics;

    private final Map<String, AtomicLong> visible = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> inFlight = new ConcurrentHashMap<>();
    private ScheduledExecutorService sampler;

    /** Samples {@code queue} and its dead-letter queue from now on. */
    public void watch(String queue) {
        for (String name : Set.of(queue, queue + config.deadLetterSuffix())) {
            visible.computeIfAbsent(name, n -> gauge(n, "visible"));
            inFlight.computeIfAbsent(name, n -> gauge(n, "in_flight"));
        }
    }

    void start(@Observes StartupEvent startup) {
        if (config.depth().sampleInterval().isZero()
                || config.depth().sampleInterval().isNegative()) {
            return;
        }
        sampler = BackgroundThreads.scheduler("regworkers-queue-depths");
        sampler.scheduleWithFixedDelay(
                this::sample, 0, config.depth().sampleInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    void sample() {
        visible.keySet().forEach(queue -> {
            try {
                Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(urls.of(queue))
                                .attributeNames(
                                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                        .attributes();
                visible.get(queue)
                        .set(Long.parseLong(
                                attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "-1")));
                inFlight.get(queue)
                        .set(Long.parseLong(attributes.getOrDefault(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "-1")));
            } catch (RuntimeException unreachable) {
                visible.get(queue).set(UNKNOWN);
                inFlight.get(queue).set(UNKNOWN);
            }
        });
    }

    private AtomicLong gauge(String queue, String state) {
        AtomicLong value = new AtomicLong(UNKNOWN);
        Gauge.builder("regworkers.queue.depth", value, AtomicLong::get)
                .tag("queue", queue)
                .tag("state", state)
                .description("Messages on the queue (SQS' approximate counts), -1 when unknown")
                .register(metrics);
        return value;
    }
}
