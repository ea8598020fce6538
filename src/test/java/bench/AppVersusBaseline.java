package bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import localstack.LocalStack;
import support.Queues;

/**
 * The skeleton of the throughput benchmarks (sendData, upsertUsers, replication): R rounds of two phases, the
 * packaged app and its baseline, never at the same time, the baseline first in odd rounds and the app first in even
 * ones. The app is a fresh process in each of its phases (so nothing of it runs during the baseline, and its start-up
 * and RSS are measured every round): started, awaited ready, measured, stopped, its log checked for ERROR lines. A
 * subclass says what its phases measure and check; this class runs the rounds and the app, waits on the queue the
 * worker consumes, and computes the medians and the ratio app / baseline.
 */
abstract class AppVersusBaseline<P extends AppVersusBaseline.Phase, R extends AppVersusBaseline.Result<P>>
        extends StackBenchmark<R> {

    static final String APP = "app";
    /** A wait fails once its progress has not moved for this long. */
    static final Duration STALL = Duration.ofSeconds(60);

    /** The benchmark's name (the app's log and JFR files are named after it) and the other system's ("baseline", "raw-write"). */
    private final String name;

    protected final String baseline;
    /** The queue the measured worker consumes, and its dead-letter queue. */
    protected final String queue;

    protected final String dlq;
    protected final Queues queues;
    private final Supplier<P> newPhase;

    /** What every phase records (and the CPU of its timed window); a subclass adds its own numbers and checks. */
    @JsonPropertyOrder({"system", "round", "position"})
    static class Phase extends CpuWindow.Recorded {
        public String system;
        public int round;
        public int position;
        public boolean correct;
        public List<String> problems = new ArrayList<>();
        /** the queue and its DLQ after the phase: both must be empty */
        public Integer queueDepthAfter;

        public Integer dlqDepthAfter;
        // app only
        public Double startupSeconds;
        public Double rssIdleMb;
        public Double rssAfterLoadMb;
        public Long appLogWarnings;
        public Long appLogErrors;
        public String appLog;
    }

    /** The phases of every round (the harness JVM's warm-up not among them). */
    static class Result<P extends Phase> extends Benchmark.Result {
        public List<P> phases = new ArrayList<>();
    }

    /**
     * {@code name}: the benchmark's; {@code baseline}: the other system's; {@code queue} and {@code dlq}: what the
     * measured worker consumes; {@code newPhase}: a phase's record.
     */
    protected AppVersusBaseline(
            String name,
            String baseline,
            String queue,
            String dlq,
            Supplier<P> newPhase,
            Options options,
            Path root,
            LocalStack stack) {
        super(options, root, stack);
        this.queues = new Queues(stack);
        this.name = name;
        this.baseline = baseline;
        this.queue = queue;
        this.dlq = dlq;
        this.newPhase = newPhase;
    }

    /** The baseline's phase (round 0: the harness JVM's warm-up, not counted). */
    protected abstract void measureBaseline(P phase) throws Exception;

    /** The app's phase; the app is ready. */
    protected abstract void measureApp(P phase, AppProcess app) throws Exception;

    /** The phase's numbers for its log line. */
    protected abstract String describe(P phase);

    /** Before each round's phases (sendData measures the queue's ceilings here). */
    protected void beforeRound(int round) throws Exception {}

    /** The app of one phase: the benchmark's worker (APP_NAME = its name). */
    protected AppProcess startApp(Path log, Path jfr) throws Exception {
        return AppProcess.start(root, appJar(), name, stack.appConfig(), log, jfr);
    }

    /** Logs that the app is ready; the phase holds its start-up time and idle RSS. */
    protected void ready(P phase, AppProcess app) throws Exception {
        log(
                "round %d app ready in %.2f s, RSS %.0f MB, pid %d",
                phase.round, phase.startupSeconds, phase.rssIdleMb, app.pid());
    }

    /**
     * Starts {@code result}: the machine ({@code note}: what shares it with the system measured), the command, and the
     * settings N (under {@code perPhase}), W (under {@code warmupPerPhase}) and R.
     */
    protected final R start(R result, String note, String perPhase, String warmupPerPhase) {
        result.machine = machine(note);
        result.command = "bench/run " + name + " --n " + options.messages() + " --rounds " + options.rounds()
                + " --warmup " + options.warmup();
        result.settings.put(perPhase, options.messages());
        result.settings.put(warmupPerPhase, options.warmup());
        result.settings.put("rounds", options.rounds());
        return result;
    }

    /** Runs the measured rounds into {@code result}: each phase with its position in its round; all correct or not. */
    protected final void runRounds(R result) throws Exception {
        List<P> phases = result.phases;
        for (int round = 1; round <= options.rounds(); round++) {
            beforeRound(round);
            List<String> order = round % 2 == 1 ? List.of(baseline, APP) : List.of(APP, baseline);
            for (int position = 0; position < order.size(); position++) {
                String system = order.get(position);
                log("round %d/%d: %s", round, options.rounds(), system);
                P phase = system.equals(APP) ? appPhase(round) : baselinePhase(round);
                phase.position = position + 1;
                phases.add(phase);
                log("round %d %s: %s%s", round, system, describe(phase), problems(phase));
            }
        }
        result.allCorrect = phases.stream().allMatch(p -> p.correct);
    }

    /**
     * This JVM's own warm-up, not counted: one baseline phase (round 0). Without it round 1's baseline ran at a third
     * of the later rounds' speed. The app gets a fresh JVM every phase and its warm-up there.
     */
    protected final void warmUpBaseline() throws Exception {
        P warmup = baselinePhase(0);
        log("warm-up baseline: %s%s", describe(warmup), problems(warmup));
    }

    private P baselinePhase(int round) throws Exception {
        P phase = phase(baseline, round);
        measureBaseline(phase);
        phase.correct = phase.problems.isEmpty();
        return phase;
    }

    private P appPhase(int round) throws Exception {
        P phase = phase(APP, round);
        String file = name + "-app-round-" + round;
        Path log = appLog(file);
        phase.appLog = root.relativize(log).toString();
        try (AppProcess app = startApp(log, appJfr(file))) {
            phase.startupSeconds = Stats.round(app.awaitReady(Duration.ofSeconds(180)), 2);
            phase.rssIdleMb = Stats.round(app.memoryMb("VmRSS"), 0);
            ready(phase, app);
            measureApp(phase, app);
            phase.rssAfterLoadMb = Stats.round(app.memoryMb("VmRSS"), 0);
            if (!app.isAlive()) {
                phase.problems.add("the app died during the phase");
            }
        }
        AppProcess.LogLevels levels = AppProcess.LogLevels.of(log);
        phase.appLogWarnings = levels.warnings();
        phase.appLogErrors = levels.errors();
        if (levels.errors() > 0) {
            phase.problems.add(levels.errors() + " ERROR lines in " + phase.appLog);
        }
        phase.correct = phase.problems.isEmpty();
        return phase;
    }

    private P phase(String system, int round) {
        P phase = newPhase.get();
        phase.system = system;
        phase.round = round;
        return phase;
    }

    /** One line per phase that had problems, for a benchmark's table. */
    static String phaseProblems(Result<? extends Phase> result) {
        StringBuilder out = new StringBuilder();
        for (Phase phase : result.phases) {
            if (!phase.problems.isEmpty()) {
                out.append("  round ")
                        .append(phase.round)
                        .append(' ')
                        .append(phase.system)
                        .append(": ")
                        .append(phase.problems)
                        .append('\n');
            }
        }
        return out.toString();
    }

    static String problems(Phase phase) {
        return phase.problems.isEmpty() ? "" : " PROBLEMS " + phase.problems;
    }

    /** The tag of a phase's items: r&lt;round&gt;.&lt;system&gt;. */
    protected static String tag(Phase phase) {
        return "r" + phase.round + "." + phase.system;
    }

    /** A DLQ that is not empty before the phase is a problem of the phase (it would hide the phase's own). */
    protected final void checkDlqEmptyBefore(P phase) {
        int before = queues.depth(dlq);
        if (before > 0) {
            phase.problems.add(before + " messages on " + dlq + " before the phase");
        }
    }

    /** Waits until the queue is empty (visible + in flight); fails after {@link #STALL}. */
    protected final void awaitQueueEmpty(String what, Supplier<String> diagnostics) throws InterruptedException {
        long deadline = System.nanoTime() + STALL.toNanos();
        while (queues.depth(queue) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": " + queue + " not empty after " + STALL.toSeconds()
                        + " s (depth " + queues.depth(queue) + "); " + diagnostics.get());
            }
            Thread.sleep(10);
        }
    }

    /** After the phase: nothing may be left on the queue, nothing on its DLQ. */
    protected final void checkQueuesEmpty(P phase) {
        phase.queueDepthAfter = queues.depth(queue);
        phase.dlqDepthAfter = queues.depth(dlq);
        if (phase.queueDepthAfter != 0) {
            phase.problems.add(phase.queueDepthAfter + " messages left on " + queue);
        }
        if (phase.dlqDepthAfter != 0) {
            phase.problems.add(phase.dlqDepthAfter + " messages on " + dlq);
        }
    }

    /** "queue depth N, DLQ depth M" for a stuck phase's message. */
    protected final String queueDepths() {
        return "queue depth " + queues.depth(queue) + ", DLQ depth " + queues.depth(dlq);
    }

    /**
     * Polls {@code progress} every {@code pollMs} ms until it reaches {@code target}; fails once it has not moved for
     * {@link #STALL}, with the message {@code stuck} makes of where it stopped. Returns {when half of the target was
     * reached, when all of it was} (System.nanoTime).
     */
    protected static long[] awaitProgress(LongSupplier progress, long target, long pollMs, LongFunction<String> stuck)
            throws InterruptedException {
        long seen = -1;
        long lastProgress = System.nanoTime();
        long half = 0;
        while (true) {
            long now = progress.getAsLong();
            long at = System.nanoTime();
            if (half == 0 && now >= target / 2) {
                half = at;
            }
            if (now >= target) {
                return new long[] {half, at};
            }
            if (now != seen) {
                seen = now;
                lastProgress = at;
            } else if (at - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException(stuck.apply(now) + " (no progress for " + STALL.toSeconds() + " s)");
            }
            Thread.sleep(pollMs);
        }
    }

    /** Waits until a phase's items landed; returns {when half of them had, when all had} (System.nanoTime). */
    @FunctionalInterface
    interface Landing {
        long[] await() throws Exception;
    }

    /**
     * The clock of a filled phase (System.nanoTime): start, half and all landed, end (all landed and whatever else the
     * landing waited for), the filler's end; and the CPU from start to end.
     */
    record Timed(long start, long half, long all, long end, long filled, CpuWindow.Used cpu) {

        double seconds() {
            return Stats.seconds(end - start);
        }

        double fillSeconds() {
            return Stats.seconds(filled - start);
        }

        /** The rate over the second half of {@code n} items: from half of them landed until all had. */
        double secondHalfRate(int n) {
            return (n - n / 2) / Stats.seconds(all - half);
        }
    }

    /**
     * The timed part of a queue phase: with the clock and {@code cpu} started, the filler sends {@code items} to the
     * queue in the background while {@code landing} waits until they all landed.
     */
    protected final Timed fillAndTime(
            Filler filler, List<RegistrationEvents.Event> items, CpuWindow cpu, Landing landing) throws Exception {
        long start = System.nanoTime();
        CompletableFuture<Long> filled = filler.sendAsync(queues.url(queue), items);
        long[] halfAndAll = landing.await();
        long end = System.nanoTime();
        CpuWindow.Used used = cpu.close(Stats.seconds(end - start));
        return new Timed(start, halfAndAll[0], halfAndAll[1], end, filled.get(), used);
    }

    /** The phases of one system. */
    protected static <P extends Phase> List<P> of(List<P> phases, String system) {
        return phases.stream().filter(p -> p.system.equals(system)).toList();
    }

    /** The median of a number over the phases of one system (phases without it do not count), rounded. */
    protected static <P extends Phase> double median(
            List<P> phases, String system, Function<P, Double> value, int decimals) {
        return Stats.round(Stats.median(of(phases, system).stream().map(value).toList()), decimals);
    }

    /** Puts the median of a number over the phases of one system under {@code key}. */
    protected final void putMedian(R result, String key, String system, Function<P, Double> value, int decimals) {
        result.medians.put(key, median(result.phases, system, value, decimals));
    }

    /**
     * The medians of both systems' rates under {@code appKey} and {@code baselineKey}, the ratio of the medians under
     * {@code ratioKey}, and the median of the rounds' own ratios (medianOfRoundRatios).
     */
    protected final void putRatio(
            R result, ToDoubleFunction<P> rate, String appKey, String baselineKey, String ratioKey) {
        List<P> phases = result.phases;
        List<Double> ratios = new ArrayList<>();
        for (P app : of(phases, APP)) {
            of(phases, baseline).stream()
                    .filter(b -> b.round == app.round)
                    .findFirst()
                    .ifPresent(b -> ratios.add(rate.applyAsDouble(app) / rate.applyAsDouble(b)));
        }
        double appMedian =
                Stats.median(of(phases, APP).stream().map(rate::applyAsDouble).toList());
        double baselineMedian = Stats.median(
                of(phases, baseline).stream().map(rate::applyAsDouble).toList());
        result.medians.put(appKey, Stats.round(appMedian, 0));
        result.medians.put(baselineKey, Stats.round(baselineMedian, 0));
        result.medians.put(ratioKey, Stats.round(appMedian / baselineMedian, 3));
        result.medians.put("medianOfRoundRatios", Stats.round(Stats.median(ratios), 3));
    }
}
