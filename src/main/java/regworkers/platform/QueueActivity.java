package regworkers.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the queue consumers did: every message's outcome is a Prometheus counter
 * ({@code regworkers_messages_total{worker, outcome}}), and {@link #logSummary} writes one line per active worker
 * with the counts since the last summary, so the logs show throughput without a line per message.
 */
@ApplicationScoped
@Named("queueActivity")
public class QueueActivity {

    private static final WorkerLog LOG = WorkerLog.of(QueueActivity.class);

    static final List<String> OUTCOMES =
            List.of("received", "processed", "retried", "parked", "released", "lapsed", "dead_lettered");

    @Inject
    MeterRegistry metrics;

    private final Map<String, Map<String, LongAdder>> sinceLastSummary = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> processedByWorker = new ConcurrentHashMap<>();

    /** How many messages the worker has processed since start. */
    long processed(String worker) {
        LongAdder processed = processedByWorker.get(worker);
        return processed == null ? 0 : processed.sum();
    }

    /** Every outcome's counter of a worker, at 0 from the start: dashboards and alerts see a series before the first event. */
    void expect(Worker worker) {
        OUTCOMES.forEach(outcome -> metrics.counter("regworkers.messages", "worker", worker.id(), "outcome", outcome));
    }

    void count(String worker, String outcome) {
        if ("processed".equals(outcome)) {
            processedByWorker.computeIfAbsent(worker, w -> new LongAdder()).increment();
        }
        metrics.counter("regworkers.messages", "worker", worker, "outcome", outcome)
                .increment();
        sinceLastSummary
                .computeIfAbsent(worker, w -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> new LongAdder())
                .increment();
    }

    public void logSummary() {
        sinceLastSummary.forEach((workerId, counts) -> {
            Map<String, Object> data = new LinkedHashMap<>();
            OUTCOMES.forEach(outcome -> {
                LongAdder count = counts.get(outcome);
                data.put(outcome, count == null ? 0 : count.sumThenReset());
            });
            if (data.values().stream().anyMatch(count -> (long) count > 0)) {
                Worker.byId(workerId).ifPresent(worker -> WorkerLog.context(worker, null));
                LOG.info("Messages since the last summary", data);
            }
        });
    }
}
