package bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import localstack.LocalStack;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * sendData throughput, SQS sendData-registration -> Kafka registration.data: the packaged app (APP_NAME=sendData)
 * against {@link RawSqsToKafka} on the same servers, in alternating order, R rounds. Every phase: the consumers run
 * first (app ready, or baseline loops started); a warm-up of W messages is sent and waited for; then N messages are
 * sent by 2 filler threads and the clock runs from the first send until the N-th new record is on the topic (end
 * offsets). Then: the queue must be empty, the DLQ too, and the N records are read back: exactly N, one per event.
 * The app runs only during its own phases (a fresh process per app phase, so its start-up and RSS are measured
 * every round); while the baseline runs, no app is consuming the queue.
 */
final class SendDataBench extends AppVersusBaseline<SendDataBench.Phase, SendDataBench.Result> {

    static final String QUEUE = "sendData-registration";
    static final String DLQ = "sendData-registration-dlq";
    static final String CEILING_QUEUE = "bench-ceiling";
    static final String TOPIC = "registration.data";

    private final SqsClient sqs;
    private final Filler filler;
    private final TopicRecords topic;
    private final String ceilingUrl;
    private final Result result = new Result();

    SendDataBench(Options options, Path root, LocalStack stack) {
        super("sendData", "baseline", QUEUE, DLQ, Phase::new, options, root, stack);
        this.sqs = stack.sqs();
        this.filler = new Filler(sqs, options.fillers());
        this.topic = new TopicRecords(stack.kafkaBootstrapServers(), TOPIC);
        stack.createTestQueue(CEILING_QUEUE);
        this.ceilingUrl = queues.url(CEILING_QUEUE);
    }

    /** One measured phase of one system in one round. */
    static final class Phase extends AppVersusBaseline.Phase {
        public int messages;
        public double seconds;
        public double msgsPerSec;
        public double fillSeconds;
        public double fillMsgsPerSec;
        public double drainAfterFillSeconds;
        public double secondHalfMsgsPerSec;
        public long records;
        public long distinctEvents;
        public long duplicates;
        public long foreignRecords;
        public long recordsWithoutKeyOrHeaders;
        public long consumerFailures;
        // app only
        public Double quarkusStartedInSeconds;
        public Double httpFirstAnswerSeconds;
        public String lastNotReadyAnswer;
        public Double peakRssMb;
    }

    /** The raw speed of the queue alone in this round: fill only (no consumer), then receive + delete only. */
    static final class Ceiling {
        public int round;
        public int messages;
        public double fillOnlyMsgsPerSec;
        public double receiveDeleteOnlyMsgsPerSec;
    }

    static final class Result extends AppVersusBaseline.Result<Phase> {
        public List<Ceiling> ceilings = new ArrayList<>();
    }

    @Override
    public Result run() throws Exception {
        start(result, "", "messagesPerPhase", "warmupPerPhase");
        result.settings.put("consumerThreads", options.consumers());
        result.settings.put("fillerThreads", options.fillers());
        result.settings.put(
                "app",
                "target/quarkus-app/quarkus-run.jar, APP_NAME=sendData, -Xmx512m, profile local, fresh process per app phase"
                        + extraAppOpts());
        result.settings.put(
                "baseline",
                "AWS SDK v2 ReceiveMessage(10, wait 1 s) -> Jackson -> KafkaProducer(acks=all, idempotent, linger 5 ms) "
                        + "-> wait acks -> DeleteMessageBatch, 2 threads, in the bench JVM");
        // a ceiling pass warms this JVM up too, before the baseline's warm-up: without them round 1's baseline and
        // ceilings ran at a third of the later rounds' speed
        log("warming up the bench JVM (not counted)");
        ceiling(0);
        warmUpBaseline();
        runRounds(result);
        summarize();
        return result;
    }

    @Override
    protected void beforeRound(int round) throws Exception {
        result.ceilings.add(ceiling(round));
    }

    @Override
    protected String describe(Phase phase) {
        return String.format(
                "%.0f msg/s (%d msgs in %.2f s; fill %.0f msg/s)",
                phase.msgsPerSec, phase.messages, phase.seconds, phase.fillMsgsPerSec);
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
            awaitProgress(
                    drain::handled,
                    options.messages(),
                    10,
                    seen -> "receive+delete of the ceiling queue stalled at " + seen + "; " + drain.firstFailure());
            ceiling.receiveDeleteOnlyMsgsPerSec =
                    Stats.round(options.messages() / Stats.seconds(System.nanoTime() - drainStart), 0);
        }
        log(
                "%s ceiling: fill only %.0f msg/s, receive+delete only %.0f msg/s",
                round == 0 ? "warm-up" : "round " + round,
                ceiling.fillOnlyMsgsPerSec,
                ceiling.receiveDeleteOnlyMsgsPerSec);
        return ceiling;
    }

    @Override
    protected void measureBaseline(Phase phase) throws Exception {
        try (RawSqsToKafka baseline =
                new RawSqsToKafka(sqs, queues.url(QUEUE), stack.kafkaBootstrapServers(), TOPIC, options.consumers())) {
            measure(phase, null, baseline::diagnostics);
            phase.consumerFailures = baseline.failures();
            baseline.reportFailures(phase.problems);
        }
    }

    @Override
    protected void ready(Phase phase, AppProcess app) throws Exception {
        phase.quarkusStartedInSeconds = app.quarkusStartedIn();
        phase.httpFirstAnswerSeconds = Stats.round(app.httpUpSeconds(), 2);
        phase.lastNotReadyAnswer = app.lastNotReady();
        log(
                "round %d app ready in %.2f s (Quarkus: started in %.3f s; health first answered at %.2f s; last not ready: %s),"
                        + " RSS %.0f MB, pid %d",
                phase.round,
                phase.startupSeconds,
                phase.quarkusStartedInSeconds,
                phase.httpFirstAnswerSeconds,
                phase.lastNotReadyAnswer,
                phase.rssIdleMb,
                app.pid());
    }

    @Override
    protected void measureApp(Phase phase, AppProcess app) throws Exception {
        measure(phase, app, () -> "app log " + app.log() + ":\n" + app.logTail(20));
        phase.peakRssMb = Stats.round(app.memoryMb("VmHWM"), 0);
    }

    /** Warm-up, then the timed N messages, then the checks; the consumers are already running. */
    private void measure(Phase phase, AppProcess app, Supplier<String> diagnostics) throws Exception {
        String tag = tag(phase);
        checkDlqEmptyBefore(phase);
        if (options.warmup() > 0) {
            Map<TopicPartition, Long> before = topic.endOffsets();
            filler.send(queues.url(QUEUE), RegistrationEvents.create(tag + ".warmup", options.warmup()));
            awaitLanded(before, options.warmup(), tag + " warm-up", diagnostics);
            awaitQueueEmpty(tag + " warm-up", diagnostics);
        }
        int n = options.messages();
        List<RegistrationEvents.Event> events = RegistrationEvents.create(tag, n);
        Map<TopicPartition, Long> from = topic.endOffsets();
        Timed timed =
                fillAndTime(filler, events, CpuWindow.open(app, null), () -> awaitLanded(from, n, tag, diagnostics));

        phase.messages = n;
        phase.seconds = Stats.round(timed.seconds(), 3);
        phase.msgsPerSec = Stats.round(n / timed.seconds(), 0);
        phase.fillSeconds = Stats.round(timed.fillSeconds(), 3);
        phase.fillMsgsPerSec = Stats.round(n / timed.fillSeconds(), 0);
        phase.drainAfterFillSeconds = Stats.round(Stats.seconds(Math.max(0, timed.end() - timed.filled())), 3);
        phase.secondHalfMsgsPerSec = Stats.round(timed.secondHalfRate(n), 0);
        phase.cpu(timed.cpu());
        double attributed = phase.coresUsed.values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
        phase.coresUsed.put(
                "unattributed",
                Stats.round(
                        Math.max(0, phase.machineBusy * Runtime.getRuntime().availableProcessors() - attributed), 2));

        awaitQueueEmpty(tag, diagnostics);
        Thread.sleep(1000);
        TopicRecords.Check check = topic.check(from, topic.endOffsets(), tag);
        phase.records = check.records();
        phase.distinctEvents = check.distinctEvents();
        phase.duplicates = check.duplicates();
        phase.foreignRecords = check.ofOtherPhases();
        phase.recordsWithoutKeyOrHeaders = check.withoutKeyOrHeaders();
        if (check.records() != n) {
            phase.problems.add(check.records() + " records landed for " + n + " messages");
        }
        if (check.distinctEvents() != n) {
            phase.problems.add(check.distinctEvents() + " distinct events of " + n + " on the topic");
        }
        if (check.duplicates() > 0) {
            phase.problems.add(check.duplicates() + " duplicate records");
        }
        if (check.ofOtherPhases() > 0) {
            phase.problems.add(check.ofOtherPhases() + " records of other phases in the range");
        }
        if (check.withoutKeyOrHeaders() > 0) {
            phase.problems.add(check.withoutKeyOrHeaders()
                    + " records without the campaign key or the correlationId/eventId headers");
        }
        checkQueuesEmpty(phase);
    }

    /** Waits until {@code count} records landed after {@code from}; returns {when half of them had, when all had}. */
    private long[] awaitLanded(Map<TopicPartition, Long> from, long count, String what, Supplier<String> diagnostics)
            throws Exception {
        long base = TopicRecords.total(from);
        return awaitProgress(
                () -> TopicRecords.total(topic.endOffsets()) - base,
                count,
                20,
                landed -> what + ": stuck at " + landed + " of " + count + " records; " + queueDepths() + "; "
                        + diagnostics.get());
    }

    private void summarize() {
        putRatio(result, p -> p.msgsPerSec, "appMsgsPerSec", "baselineMsgsPerSec", "ratioAppToBaseline");
        for (String system : List.of(APP, baseline)) {
            putMedian(result, system + "SecondHalfMsgsPerSec", system, p -> p.secondHalfMsgsPerSec, 0);
            putMedian(
                    result,
                    "fillMsgsPerSecDuring" + (system.equals(APP) ? "App" : "Baseline"),
                    system,
                    p -> p.fillMsgsPerSec,
                    0);
        }
        result.medians.put(
                "fillOnlyMsgsPerSec",
                Stats.round(
                        Stats.median(result.ceilings.stream()
                                .map(c -> c.fillOnlyMsgsPerSec)
                                .toList()),
                        0));
        result.medians.put(
                "receiveDeleteOnlyMsgsPerSec",
                Stats.round(
                        Stats.median(result.ceilings.stream()
                                .map(c -> c.receiveDeleteOnlyMsgsPerSec)
                                .toList()),
                        0));
        putMedian(result, "appStartupToReadySeconds", APP, p -> p.startupSeconds, 2);
        putMedian(result, "appQuarkusStartedInSeconds", APP, p -> p.quarkusStartedInSeconds, 3);
        putMedian(result, "appRssIdleMb", APP, p -> p.rssIdleMb, 0);
        putMedian(result, "appRssAfterLoadMb", APP, p -> p.rssAfterLoadMb, 0);
        putMedian(result, "appPeakRssMb", APP, p -> p.peakRssMb, 0);
    }

    @Override
    public String table(Result result) {
        StringBuilder out = new StringBuilder(result.header("sendData: SQS " + QUEUE + " -> Kafka " + TOPIC));
        out.append(String.format(
                "%-6s %-9s %4s %8s %11s %8s %10s %9s %8s %4s  %s%n",
                "round",
                "system",
                "pos",
                "msgs/s",
                "2nd half/s",
                "seconds",
                "fill msg/s",
                "startup s",
                "RSS MB",
                "ok",
                "cores used by process; machine busy"));
        for (Phase phase : result.phases) {
            out.append(String.format(
                    "%-6d %-9s %4d %8.0f %11.0f %8.2f %10.0f %9s %8s %4s  %s busy=%.0f%%%n",
                    phase.round,
                    phase.system,
                    phase.position,
                    phase.msgsPerSec,
                    phase.secondHalfMsgsPerSec,
                    phase.seconds,
                    phase.fillMsgsPerSec,
                    phase.startupSeconds == null ? "-" : String.format("%.2f", phase.startupSeconds),
                    phase.rssIdleMb == null ? "-" : String.format("%.0f/%.0f", phase.rssIdleMb, phase.rssAfterLoadMb),
                    phase.correct ? "yes" : "NO",
                    phase.coresUsed,
                    phase.machineBusy * 100));
        }
        out.append("RSS MB = idle right after ready / after the load (VmRSS of the app JVM)\n");
        for (Phase phase : result.phases) {
            if (phase.startupSeconds != null) {
                out.append(String.format(
                        "round %d app start-up: ready %.2f s, Quarkus \"started in\" %.3f s, health first answered %.2f s, peak RSS %.0f MB%n",
                        phase.round,
                        phase.startupSeconds,
                        phase.quarkusStartedInSeconds,
                        phase.httpFirstAnswerSeconds,
                        phase.peakRssMb));
            }
        }
        for (Ceiling ceiling : result.ceilings) {
            out.append(String.format(
                    "round %d ceiling (no Kafka): fill only %.0f msg/s, receive+delete only %.0f msg/s%n",
                    ceiling.round, ceiling.fillOnlyMsgsPerSec, ceiling.receiveDeleteOnlyMsgsPerSec));
        }
        out.append("medians:\n");
        for (Map.Entry<String, Object> median : result.medians.entrySet()) {
            out.append(String.format("  %-30s %s%n", median.getKey(), median.getValue()));
        }
        out.append("all phases correct (exactly N records, one per event, queue and DLQ empty): ")
                .append(result.allCorrect)
                .append('\n');
        return out.toString();
    }

    @Override
    public void close() {
        topic.close();
    }
}
