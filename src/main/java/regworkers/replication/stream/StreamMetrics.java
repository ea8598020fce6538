package regworkers.replication.stream;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The stream reader's meters: {@code regworkers.stream.records} by outcome, the gauges {@code regworkers.stream.lag}
 * and {@code regworkers.stream.leader}.
 */
final class StreamMetrics {

    private final Counter forwarded;
    private final Counter skipped;
    private final Counter failed;
    private final AtomicLong lagMs = new AtomicLong();
    private final AtomicLong leader = new AtomicLong();

    StreamMetrics(MeterRegistry meters) {
        this.forwarded = meters.counter("regworkers.stream.records", "outcome", "forwarded");
        this.skipped = meters.counter("regworkers.stream.records", "outcome", "skipped");
        this.failed = meters.counter("regworkers.stream.records", "outcome", "failed");
        Gauge.builder("regworkers.stream.lag", lagMs, AtomicLong::get)
                .baseUnit("milliseconds")
                .description("now minus the ApproximateCreationDateTime of the newest record read in the last poll")
                .register(meters);
        Gauge.builder("regworkers.stream.leader", leader, AtomicLong::get)
                .description("1 while this process holds the stream reader's lease")
                .register(meters);
    }

    void forwarded(int records) {
        forwarded.increment(records);
    }

    void skipped(int records) {
        skipped.increment(records);
    }

    void failed(int records) {
        failed.increment(records);
    }

    void lag(long ms) {
        lagMs.set(ms);
    }

    void leader(boolean leads) {
        leader.set(leads ? 1 : 0);
    }
}
