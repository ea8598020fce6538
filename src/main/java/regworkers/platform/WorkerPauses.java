package regworkers.platform;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The one owner of whether a queue worker takes messages. A dependency failure pauses the worker: its consumers stop
 * polling (see {@link QueuePollGate}) and the messages it holds wait in this process. While paused, the dependencies
 * it suspects are probed with real calls ({@link DependencyChecks#probe}), at first every {@code queue.pause.probe-interval},
 * backing off to {@code queue.pause.max-probe-interval}; once every one of them answers (and no service breaker is
 * open), the worker resumes by itself and its parked messages run again. No message is spent to find out.
 */
@ApplicationScoped
public class WorkerPauses {

    private static final WorkerLog LOG = WorkerLog.of(WorkerPauses.class);

    @Inject
    QueueConfig config;

    @Inject
    DependencyChecks checks;

    @Inject
    MeterRegistry metrics;

    Clock clock = Clock.systemUTC();

    private final Map<Worker, Pause> pauses = new ConcurrentHashMap<>();
    private final List<Consumer<Worker>> resumeListeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService prober;

    private static final class Pause {
        final Set<Worker.Dependency> suspects = EnumSet.noneOf(Worker.Dependency.class);
        final long since;
        String lastFailure;
        Duration nextProbe;
        int probes;

        Pause(long since, Duration firstProbe) {
            this.since = since;
            this.nextProbe = firstProbe;
        }
    }

    @PostConstruct
    void start() {
        prober = BackgroundThreads.scheduler("regworkers-pause-prober");
        for (Worker worker : Worker.values()) {
            Gauge.builder("regworkers.worker.paused", () -> isPaused(worker) ? 1 : 0)
                    .tag("worker", worker.id())
                    .description("1 while the worker is paused by a failing dependency")
                    .register(metrics);
        }
    }

    @PreDestroy
    void stop() {
        prober.shutdownNow();
    }

    /** Called once per resume, with the worker, after its pause ended. */
    public void onResume(Consumer<Worker> listener) {
        resumeListeners.add(listener);
    }

    public boolean isPaused(Worker worker) {
        return pauses.containsKey(worker);
    }

    /** Each paused worker and the failure that paused it last. */
    public Map<Worker, String> paused() {
        synchronized (pauses) {
            Map<Worker, String> paused = new java.util.EnumMap<>(Worker.class);
            pauses.forEach((worker, pause) -> paused.put(worker, pause.lastFailure));
            return paused;
        }
    }

    /** The worker met a dependency failure: it pauses (or stays paused) until what the failure points at answers. */
    public void pause(Worker worker, Throwable failure) {
        Optional<Worker.Dependency> named = Failures.dependencyOf(failure);
        Set<Worker.Dependency> suspects = named.map(EnumSet::of).orElseGet(() -> EnumSet.copyOf(worker.dependencies()));
        String why = Failures.describe(failure);
        boolean started = false;
        Pause pause;
        synchronized (pauses) {
            pause = pauses.get(worker);
            if (pause == null) {
                pause = new Pause(clock.millis(), config.pause().probeInterval());
                pauses.put(worker, pause);
                started = true;
            }
            pause.suspects.addAll(suspects);
            pause.lastFailure = why;
        }
        if (started) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("dependencies", suspects.stream().map(Enum::name).toList());
            data.put("error", why);
            WorkerLog.context(worker, null);
            LOG.warn("Worker paused: a dependency is failing; its messages wait until it answers again", data);
            schedule(worker, pause);
        }
    }

    private void schedule(Worker worker, Pause pause) {
        prober.schedule(() -> probe(worker, pause), pause.nextProbe.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe(Worker worker, Pause pause) {
        Set<Worker.Dependency> suspects;
        synchronized (pauses) {
            suspects = EnumSet.copyOf(pause.suspects);
        }
        pause.probes++;
        Map<String, String> down = new LinkedHashMap<>();
        for (Worker.Dependency dependency : suspects) {
            checks.probe(dependency).ifPresent(problem -> down.put(dependency.name(), problem));
        }
        if (!down.isEmpty()) {
            Duration doubled = pause.nextProbe.multipliedBy(2);
            pause.nextProbe = doubled.compareTo(config.pause().maxProbeInterval()) > 0
                    ? config.pause().maxProbeInterval()
                    : doubled;
            schedule(worker, pause);
            return;
        }
        synchronized (pauses) {
            if (!pause.suspects.equals(suspects)) {
                // a failure of another dependency came in meanwhile: probe it too, now
                pause.nextProbe = config.pause().probeInterval();
                schedule(worker, pause);
                return;
            }
            pauses.remove(worker, pause);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dependencies", suspects.stream().map(Enum::name).toList());
        data.put("pausedSeconds", (clock.millis() - pause.since) / 1000.0);
        data.put("probes", pause.probes);
        data.put("lastError", pause.lastFailure);
        WorkerLog.context(worker, null);
        LOG.info("Worker resumed: its dependencies answer again", data);
        resumeListeners.forEach(listener -> listener.accept(worker));
    }
}
