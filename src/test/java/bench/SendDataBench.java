package bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import localstack.LocalStack;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.services.sqs.SqsClient;
import support.Queues;

/**
 * sendData throughput, SQS sendData-registration -> Kafka registration.data: the packaged app (APP_NAME=sendData)
 * against {@link RawSqsToKafka} on the same servers, in alternating order, R rounds. Every phase: the consumers run
 * first (app ready, or baseline loops started); a warm-up of W messages is sent and waited for; then N messages are
 * sent by 2 filler threads and the clock runs from the first send until the N-th new record is on the topic (end
 * offsets). Then: the queue must be empty, the DLQ too, and the N records are read back: exactly N, one per event.
 * The app runs only during its own phases (a fresh process per app phase, so its start-up and RSS are measured
 * every round); while the baseline runs, no app is consuming the queue.
 */
final class SendDataBench implements Benchmark {

    static final String QUEUE = "sendData-registration";
    static final String DLQ = "sendData-registration-dlq";
    static final String CEILING_QUEUE = "bench-ceiling";
    static final String TOPIC = "registration.data";
    private static final Duration STALL = Duration.ofSeconds(60);

    private final Options options;
    private final Path root;
    private final Path outDir;
    private final LocalStack stack;
    private final SqsClient sqs;
    private final Queues queues;
    private final Filler filler;
    private final TopicRecords topic;
    private final String queueUrl;
    private final String ceilingUrl;

    SendDataBench(Options options, Path root, Path outDir, LocalStack stack) {
        this.options = options;
        this.root = root;
        this.outDir = outDir;
        this.stack = stack;
        this.sqs = stack.sqs();
        this.queues = new Queues(stack);
        this.filler = new Filler(sqs, options.fillers());
        this.topic = new TopicRecords(stack.kafkaBootstrapServers(), TOPIC);
        stack.createTestQueue(CEILING_QUEUE);
        this.queueUrl = queues.url(QUEUE);
        this.ceilingUrl = queues.url(CEILING_QUEUE);
    }

    /** One measured phase of one system in one round. */
    static final class Phase {
        public String system;
        public int round;
        public int position;
        public int messages;
        public double seconds;
        public double msgsPerSec;
        public double fillSeconds;
        public double fillMsgsPerSec;
        public double drainAfterFillSeconds;
        public double secondHalfMsgsPerSec;
        public double machineBusy;
        public Map<String, Double> coresUsed;
        public long records;
        public long distinctEvents;
        public long duplicates;
        public long foreignRecords;
        public long recordsWithoutKeyOrHeaders;
        public int queueDepthAfter;
        public int dlqDepthAfter;
        public long consumerFailures;
        public boolean correct;
        public List<String> problems = new ArrayList<>();
        // app only
        public Double startupSeconds;
        public Double quarkusStartedInSeconds;
        public Double httpFirstAnswerSeconds;
        public String lastNotReadyAnswer;
        public Double rssIdleMb;
        public Double rssAfterLoadMb;
        public Double peakRssMb;
        public Long appLogWarnings;
        public Long appLogErrors;
        public String appLog;
    }

    /** The raw speed of the queue alone in this round: fill only (no consumer), then receive + delete only. */
    static final class Ceiling {
        public int round;
        public int messages;
        public double fillOnlyMsgsPerSec;
        public double receiveDeleteOnlyMsgsPerSec;
    }

    static final class Result extends Benchmark.Result {
        Result() {
            super("sendData");
        }

        public List<Ceiling> ceilings = new ArrayList<>();
        public List<Phase> phases = new ArrayList<>();

        @Override
        String table() {
            return SendDataBench.table(this);
        }
    }

    @Override
    public Result run() throws Exception {
        Result result = new Result();
        result.machine = Runtime.getRuntime().availableProcessors() + " cores, noisy shared workplace machine";
        result.command = "bench/run sendData --n " + options.messages() + " --rounds " + options.rounds() + " --warmup " + options.warmup();
        result.settings.put("messagesPerPhase", options.messages());
        result.settings.put("warmupPerPhase", options.warmup());
        result.settings.put("rounds", options.rounds());
        result.settings.put("consumerThreads", options.consumers());
        result.settings.put("fillerThreads", options.fillers());
        result.settings.put("app", "target/quarkus-app/quarkus-run.jar, APP_NAME=sendData, -Xmx512m, profile local, fresh process per app phase");
        result.settings.put("baseline", "AWS SDK v2 ReceiveMessage(10, wait 1 s) -> Jackson -> KafkaProducer(acks=all, idempotent, linger 5 ms) "
                + "-> wait acks -> DeleteMessageBatch, 2 threads, in the bench JVM");
        // this JVM's own warm-up (filler, baseline, counting), not counted: without it round 1's baseline and
        // ceilings ran at a third of later rounds' speed. The app gets a fresh JVM every phase and its warm-up there.
        log("warming up the bench JVM (not counted)");
        ceiling(0);
        Phase warmup = baselinePhase(0);
        log("warm-up baseline: %.0f msg/s%s", warmup.msgsPerSec, warmup.correct ? "" : " PROBLEMS " + warmup.problems);
        for (int round = 1; round <= options.rounds(); round++) {
            result.ceilings.add(ceiling(round));
            List<String> order = round % 2 == 1 ? List.of("baseline", "app") : List.of("app", "baseline");
            for (int position = 0; position < order.size(); position++) {
                String system = order.get(position);
                log("round %d/%d: %s", round, options.rounds(), system);
                Phase phase = system.equals("app") ? appPhase(round) : baselinePhase(round);
                phase.position = position + 1;
                result.phases.add(phase);
                log("round %d %s: %.0f msg/s (%d msgs in %.2f s; fill %.0f msg/s)%s", round, system, phase.msgsPerSec,
                        phase.messages, phase.seconds, phase.fillMsgsPerSec, phase.correct ? "" : " PROBLEMS " + phase.problems);
            }
        }
        summarize(result);
        return result;
    }

    private Ceiling ceiling(int round) throws Exception {
        Ceiling ceiling = new Ceiling();
        ceiling.round = round;
        ceiling.messages = options.messages();
        List<RegistrationEvents.Event> events = RegistrationEvents.create("r" + round + ".ceiling", options.messages());
        long start = System.nanoTime();
        filler.send(ceilingUrl, events);
        ceiling.fillOnlyMsgsPerSec = Stats.round(options.messages() / Stats.seconds(System.nanoTime() - start), 0);
        try (RawSqsToKafka drain = new RawSqsToKafka(sqs, ceilingUrl, null, null, options.consumers())) {
            long drainStart = System.nanoTime();
            long lastProgress = drainStart;
            long seen = 0;
            while (drain.handled() < options.messages()) {
                if (drain.handled() != seen) {
                    seen = drain.handled();
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                    throw new IllegalStateException("receive+delete of the ceiling queue stalled at " + seen + "; " + drain.firstFailure());
                }
                Thread.sleep(10);
            }
            ceiling.receiveDeleteOnlyMsgsPerSec = Stats.round(options.messages() / Stats.seconds(System.nanoTime() - drainStart), 0);
        }
        log("%s ceiling: fill only %.0f msg/s, receive+delete only %.0f msg/s", round == 0 ? "warm-up" : "round " + round, ceiling.fillOnlyMsgsPerSec,
                ceiling.receiveDeleteOnlyMsgsPerSec);
        return ceiling;
    }

    private Phase baselinePhase(int round) throws Exception {
        Phase phase = new Phase();
        phase.system = "baseline";
        phase.round = round;
        try (RawSqsToKafka baseline = new RawSqsToKafka(sqs, queueUrl, stack.kafkaBootstrapServers(), TOPIC, options.consumers())) {
            measure(phase, "r" + round + ".baseline", () -> "baseline failures " + baseline.failures() + ", first " + baseline.firstFailure());
            phase.consumerFailures = baseline.failures();
            if (baseline.failures() > 0) {
                phase.problems.add(baseline.failures() + " failures in the baseline loop, first: " + baseline.firstFailure());
            }
        }
        phase.correct = phase.problems.isEmpty();
        return phase;
    }

    private Phase appPhase(int round) throws Exception {
        Phase phase = new Phase();
        phase.system = "app";
        phase.round = round;
        Path log = outDir.resolve("logs/app-round-" + round + ".log");
        phase.appLog = root.relativize(log).toString();
        try (AppProcess app = AppProcess.start(root, root.resolve("target/quarkus-app/quarkus-run.jar"), "sendData", stack.appConfig(), log)) {
            phase.startupSeconds = Stats.round(app.awaitReady(Duration.ofSeconds(180)), 2);
            phase.rssIdleMb = Stats.round(app.memoryMb("VmRSS"), 0);
            phase.quarkusStartedInSeconds = app.quarkusStartedIn();
            phase.httpFirstAnswerSeconds = Stats.round(app.httpUpSeconds(), 2);
            phase.lastNotReadyAnswer = app.lastNotReady();
            log("round %d app ready in %.2f s (Quarkus: started in %.3f s; health first answered at %.2f s; last not ready: %s),"
                    + " RSS %.0f MB, pid %d", round, phase.startupSeconds, phase.quarkusStartedInSeconds, phase.httpFirstAnswerSeconds,
                    phase.lastNotReadyAnswer, phase.rssIdleMb, app.pid());
            measure(phase, "r" + round + ".app", () -> "app log " + app.log() + ":\n" + app.logTail(20));
            phase.rssAfterLoadMb = Stats.round(app.memoryMb("VmRSS"), 0);
            phase.peakRssMb = Stats.round(app.memoryMb("VmHWM"), 0);
            if (!app.isAlive()) {
                phase.problems.add("the app died during the phase");
            }
        }
        String text = Files.readString(log);
        phase.appLogWarnings = count(text, "\"level\":\"WARN");
        phase.appLogErrors = count(text, "\"level\":\"ERROR");
        if (phase.appLogErrors > 0) {
            phase.problems.add(phase.appLogErrors + " ERROR lines in " + phase.appLog);
        }
        phase.correct = phase.problems.isEmpty();
        return phase;
    }

    /** Warm-up, then the timed N messages, then the checks; the consumers are already running. */
    private void measure(Phase phase, String tag, Supplier<String> diagnostics) throws Exception {
        int dlqBefore = queues.depth(DLQ);
        if (options.warmup() > 0) {
            Map<TopicPartition, Long> before = topic.endOffsets();
            filler.send(queueUrl, RegistrationEvents.create(tag + ".warmup", options.warmup()));
            awaitLanded(before, options.warmup(), tag + " warm-up", diagnostics);
            awaitQueueEmpty(tag + " warm-up", diagnostics);
        }
        List<RegistrationEvents.Event> events = RegistrationEvents.create(tag, options.messages());
        Map<TopicPartition, Long> from = topic.endOffsets();
        Map<String, Double> cpuBefore = ProcessCpu.snapshot();
        CpuSample machineBefore = CpuSample.now();

        long start = System.nanoTime();
        CompletableFuture<Long> fillEnd = CompletableFuture.supplyAsync(() -> {
            try {
                filler.send(queueUrl, events);
                return System.nanoTime();
            } catch (Exception e) {
                throw new IllegalStateException("filling " + tag + " failed", e);
            }
        });
        long half = awaitLanded(from, options.messages(), tag, diagnostics);
        long landed = System.nanoTime();
        CpuSample machineAfter = CpuSample.now();
        Map<String, Double> cpuAfter = ProcessCpu.snapshot();
        long filled = fillEnd.get();

        phase.messages = options.messages();
        phase.seconds = Stats.round(Stats.seconds(landed - start), 3);
        phase.msgsPerSec = Stats.round(options.messages() / Stats.seconds(landed - start), 0);
        phase.fillSeconds = Stats.round(Stats.seconds(filled - start), 3);
        phase.fillMsgsPerSec = Stats.round(options.messages() / Stats.seconds(filled - start), 0);
        phase.drainAfterFillSeconds = Stats.round(Stats.seconds(Math.max(0, landed - filled)), 3);
        phase.secondHalfMsgsPerSec = Stats.round((options.messages() - options.messages() / 2) / Stats.seconds(landed - half), 0);
        phase.machineBusy = Stats.round(machineAfter.busySince(machineBefore), 2);
        phase.coresUsed = ProcessCpu.coresUsed(cpuBefore, cpuAfter, Stats.seconds(landed - start));
        double attributed = phase.coresUsed.values().stream().mapToDouble(Double::doubleValue).sum();
        phase.coresUsed.put("unattributed", Stats.round(Math.max(0,
                phase.machineBusy * Runtime.getRuntime().availableProcessors() - attributed), 2));

        awaitQueueEmpty(tag, diagnostics);
        Thread.sleep(1000);
        Map<TopicPartition, Long> to = topic.endOffsets();
        TopicRecords.Check check = topic.check(from, to, tag);
        phase.records = check.records();
        phase.distinctEvents = check.distinctEvents();
        phase.duplicates = check.duplicates();
        phase.foreignRecords = check.ofOtherPhases();
        phase.recordsWithoutKeyOrHeaders = check.withoutKeyOrHeaders();
        phase.queueDepthAfter = queues.depth(QUEUE);
        phase.dlqDepthAfter = queues.depth(DLQ);
        if (check.records() != options.messages()) {
            phase.problems.add(check.records() + " records landed for " + options.messages() + " messages");
        }
        if (check.distinctEvents() != options.messages()) {
            phase.problems.add(check.distinctEvents() + " distinct events of " + options.messages() + " on the topic");
        }
        if (check.duplicates() > 0) {
            phase.problems.add(check.duplicates() + " duplicate records");
        }
        if (check.ofOtherPhases() > 0) {
            phase.problems.add(check.ofOtherPhases() + " records of other phases in the range");
        }
        if (check.withoutKeyOrHeaders() > 0) {
            phase.problems.add(check.withoutKeyOrHeaders() + " records without the campaign key or the correlationId/eventId headers");
        }
        if (phase.queueDepthAfter != 0) {
            phase.problems.add(phase.queueDepthAfter + " messages left on " + QUEUE);
        }
        if (phase.dlqDepthAfter != 0) {
            phase.problems.add(phase.dlqDepthAfter + " messages on " + DLQ + " (" + dlqBefore + " before the phase)");
        }
    }

    /** Waits until {@code count} records landed after {@code from}; returns when half of them had (System.nanoTime). */
    private long awaitLanded(Map<TopicPartition, Long> from, long count, String what, Supplier<String> diagnostics) throws Exception {
        long base = TopicRecords.total(from);
        long seen = 0;
        long lastProgress = System.nanoTime();
        long half = 0;
        while (true) {
            long landed = TopicRecords.total(topic.endOffsets()) - base;
            if (half == 0 && landed >= count / 2) {
                half = System.nanoTime();
            }
            if (landed >= count) {
                return half;
            }
            if (landed != seen) {
                seen = landed;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException(what + ": stuck at " + landed + " of " + count + " records for " + STALL.toSeconds()
                        + " s; queue depth " + queues.depth(QUEUE) + ", DLQ depth " + queues.depth(DLQ) + "; " + diagnostics.get());
            }
            Thread.sleep(20);
        }
    }

    private void awaitQueueEmpty(String what, Supplier<String> diagnostics) throws Exception {
        long deadline = System.nanoTime() + STALL.toNanos();
        while (queues.depth(QUEUE) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": " + QUEUE + " not empty after " + STALL.toSeconds() + " s (depth "
                        + queues.depth(QUEUE) + "); " + diagnostics.get());
            }
            Thread.sleep(50);
        }
    }

    private static void summarize(Result result) {
        List<Double> app = new ArrayList<>();
        List<Double> baseline = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> startup = new ArrayList<>();
        List<Double> startedIn = new ArrayList<>();
        List<Double> rssIdle = new ArrayList<>();
        List<Double> rssAfter = new ArrayList<>();
        List<Double> peak = new ArrayList<>();
        List<Double> fillDuringApp = new ArrayList<>();
        List<Double> fillDuringBaseline = new ArrayList<>();
        for (Phase phase : result.phases) {
            if (phase.system.equals("app")) {
                app.add(phase.msgsPerSec);
                fillDuringApp.add(phase.fillMsgsPerSec);
                startup.add(phase.startupSeconds);
                startedIn.add(phase.quarkusStartedInSeconds);
                rssIdle.add(phase.rssIdleMb);
                rssAfter.add(phase.rssAfterLoadMb);
                peak.add(phase.peakRssMb);
                result.phases.stream().filter(p -> p.system.equals("baseline") && p.round == phase.round).findFirst()
                        .ifPresent(b -> ratios.add(phase.msgsPerSec / b.msgsPerSec));
            } else {
                baseline.add(phase.msgsPerSec);
                fillDuringBaseline.add(phase.fillMsgsPerSec);
            }
        }
        double appMedian = Stats.median(app);
        double baselineMedian = Stats.median(baseline);
        result.medians.put("appMsgsPerSec", Stats.round(appMedian, 0));
        result.medians.put("baselineMsgsPerSec", Stats.round(baselineMedian, 0));
        result.medians.put("ratioAppToBaseline", Stats.round(appMedian / baselineMedian, 3));
        result.medians.put("medianOfRoundRatios", Stats.round(Stats.median(ratios), 3));
        result.medians.put("appSecondHalfMsgsPerSec", Stats.round(Stats.median(result.phases.stream()
                .filter(p -> p.system.equals("app")).map(p -> p.secondHalfMsgsPerSec).toList()), 0));
        result.medians.put("baselineSecondHalfMsgsPerSec", Stats.round(Stats.median(result.phases.stream()
                .filter(p -> p.system.equals("baseline")).map(p -> p.secondHalfMsgsPerSec).toList()), 0));
        result.medians.put("fillMsgsPerSecDuringApp", Stats.round(Stats.median(fillDuringApp), 0));
        result.medians.put("fillMsgsPerSecDuringBaseline", Stats.round(Stats.median(fillDuringBaseline), 0));
        result.medians.put("fillOnlyMsgsPerSec", Stats.round(Stats.median(result.ceilings.stream().map(c -> c.fillOnlyMsgsPerSec).toList()), 0));
        result.medians.put("receiveDeleteOnlyMsgsPerSec",
                Stats.round(Stats.median(result.ceilings.stream().map(c -> c.receiveDeleteOnlyMsgsPerSec).toList()), 0));
        result.medians.put("appStartupToReadySeconds", Stats.round(Stats.median(startup), 2));
        result.medians.put("appQuarkusStartedInSeconds", Stats.round(Stats.median(startedIn), 3));
        result.medians.put("appRssIdleMb", Stats.round(Stats.median(rssIdle), 0));
        result.medians.put("appRssAfterLoadMb", Stats.round(Stats.median(rssAfter), 0));
        result.medians.put("appPeakRssMb", Stats.round(Stats.median(peak), 0));
        result.allCorrect = result.phases.stream().allMatch(p -> p.correct);
    }

    private static String table(Result result) {
        StringBuilder out = new StringBuilder("\n");
        out.append("sendData: SQS ").append(QUEUE).append(" -> Kafka ").append(TOPIC)
                .append("; machine: ").append(result.machine).append('\n');
        out.append("command: ").append(result.command).append('\n');
        out.append(String.format("%-6s %-9s %4s %8s %11s %8s %10s %9s %8s %4s  %s%n", "round", "system", "pos", "msgs/s",
                "2nd half/s", "seconds", "fill msg/s", "startup s", "RSS MB", "ok", "cores used by process; machine busy"));
        for (Phase phase : result.phases) {
            out.append(String.format("%-6d %-9s %4d %8.0f %11.0f %8.2f %10.0f %9s %8s %4s  %s busy=%.0f%%%n", phase.round,
                    phase.system, phase.position, phase.msgsPerSec, phase.secondHalfMsgsPerSec, phase.seconds, phase.fillMsgsPerSec,
                    phase.startupSeconds == null ? "-" : String.format("%.2f", phase.startupSeconds),
                    phase.rssIdleMb == null ? "-" : String.format("%.0f/%.0f", phase.rssIdleMb, phase.rssAfterLoadMb),
                    phase.correct ? "yes" : "NO", phase.coresUsed, phase.machineBusy * 100));
        }
        out.append("RSS MB = idle right after ready / after the load (VmRSS of the app JVM)\n");
        for (Phase phase : result.phases) {
            if (phase.startupSeconds != null) {
                out.append(String.format("round %d app start-up: ready %.2f s, Quarkus \"started in\" %.3f s, health first answered %.2f s, peak RSS %.0f MB%n",
                        phase.round, phase.startupSeconds, phase.quarkusStartedInSeconds, phase.httpFirstAnswerSeconds, phase.peakRssMb));
            }
        }
        for (Ceiling ceiling : result.ceilings) {
            out.append(String.format("round %d ceiling (no Kafka): fill only %.0f msg/s, receive+delete only %.0f msg/s%n",
                    ceiling.round, ceiling.fillOnlyMsgsPerSec, ceiling.receiveDeleteOnlyMsgsPerSec));
        }
        out.append("medians:\n");
        for (Map.Entry<String, Object> median : result.medians.entrySet()) {
            out.append(String.format("  %-30s %s%n", median.getKey(), median.getValue()));
        }
        out.append("all phases correct (exactly N records, one per event, queue and DLQ empty): ").append(result.allCorrect).append('\n');
        return out.toString();
    }

    private static long count(String text, String needle) {
        long count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            count++;
        }
        return count;
    }

    static void log(String format, Object... args) {
        Bench.log(format, args);
    }

    @Override
    public void close() {
        topic.close();
    }
}
