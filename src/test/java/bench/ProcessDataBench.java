package bench;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import localstack.LocalStack;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * processData throughput, SQS processDataQueue -> SNS registration-data -> (fauxqs delivers, filtered by the type
 * attribute) SQS sendData-registration: the packaged app (APP_NAME=processData, a fresh process per app phase) against
 * {@link RawSqsToSns} on the same servers, in alternating order, R rounds. No sendData consumer runs, so what
 * processData published piles up on sendData-registration. Every phase: the queue the envelopes land on is purged; a
 * warm-up of W events is sent and awaited; then 2 filler threads send N registration data events and the clock runs
 * from the first send until N envelopes are on sendData-registration (its depth, polled every 20 ms). Then they are
 * drained and checked: exactly N, one per event (by globalUserId), each an envelope with its correlationId attribute;
 * processDataQueue and its DLQ empty.
 */
final class ProcessDataBench
        extends AppVersusBaseline<ProcessDataBench.Phase, AppVersusBaseline.Result<ProcessDataBench.Phase>> {

    static final String NAME = "processData";
    static final String QUEUE = "processDataQueue";
    static final String DLQ = "processDataQueue-dlq";
    static final String LANDING = "sendData-registration";
    static final String TOPIC = "registration-data";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final Filler filler;
    private final String topicArn;

    ProcessDataBench(Options options, Path root, LocalStack stack) {
        super(NAME, "baseline", QUEUE, DLQ, Phase::new, options, root, stack);
        this.sqs = stack.sqs();
        this.filler = new Filler(sqs, options.fillers());
        this.topicArn = stack.sns().listTopics().topics().stream()
                .map(topic -> topic.topicArn())
                .filter(arn -> arn.endsWith(":" + TOPIC))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no SNS topic " + TOPIC));
    }

    static final class Phase extends AppVersusBaseline.Phase {
        public int messages;
        public double seconds;
        public double msgsPerSec;
        public double fillMsgsPerSec;
        public double secondHalfMsgsPerSec;
        /** CPU per message: of the app JVM (app phases), or of the harness JVM (baseline phases: loops and filler) */
        public double cpuMsPerMessage;

        public long landed;
        public long distinctEvents;
        public long duplicates;
        public long withoutCorrelationId;
    }

    @Override
    public Result<Phase> run() throws Exception {
        Result<Phase> result = start(
                new Result<>(),
                "; the filler and the baseline run in the harness JVM",
                "messagesPerPhase",
                "warmupPerPhase");
        result.settings.put(
                "app",
                "target/quarkus-app/quarkus-run.jar, APP_NAME=processData, -Xmx512m, profile local, fresh process per app"
                        + " phase" + extraAppOpts());
        result.settings.put(
                "baseline",
                "AWS SDK v2 ReceiveMessage(10, wait 1 s) -> Jackson envelope -> PublishBatch of the 10 -> "
                        + "DeleteMessageBatch, 2 threads, in the bench JVM");
        result.settings.put("landed", "depth of " + LANDING + " (SNS raw delivery, filter type=registration)");
        log("warming up the bench JVM (not counted)");
        warmUpBaseline();
        runRounds(result);
        putRatio(result, p -> p.msgsPerSec, "appMsgsPerSec", "baselineMsgsPerSec", "ratioAppToBaseline");
        for (String system : List.of(APP, baseline)) {
            putMedian(result, system + "SecondHalfMsgsPerSec", system, p -> p.secondHalfMsgsPerSec, 0);
            putMedian(result, system + "CpuMsPerMessage", system, p -> p.cpuMsPerMessage, 3);
            putMedian(result, system + "MachineBusy", system, p -> p.machineBusy, 2);
        }
        return result;
    }

    @Override
    protected String describe(Phase phase) {
        return String.format(
                "%.0f msg/s (%d msgs in %.2f s; %.3f ms CPU/msg)",
                phase.msgsPerSec, phase.messages, phase.seconds, phase.cpuMsPerMessage);
    }

    @Override
    protected void measureBaseline(Phase phase) throws Exception {
        try (RawSqsToSns loop = new RawSqsToSns(sqs, queues.url(QUEUE), stack.sns(), topicArn, options.consumers())) {
            measure(phase, null, loop::diagnostics);
            loop.reportFailures(phase.problems);
        }
    }

    @Override
    protected void measureApp(Phase phase, AppProcess app) throws Exception {
        measure(phase, app, () -> "app log " + app.log() + ":\n" + app.logTail(20));
    }

    private void measure(Phase phase, AppProcess app, Supplier<String> diagnostics) throws Exception {
        String tag = tag(phase);
        checkDlqEmptyBefore(phase);
        queues.purge(LANDING);
        if (options.warmup() > 0) {
            filler.send(queues.url(QUEUE), RegistrationEvents.dataEvents(tag + ".warmup", options.warmup()));
            awaitLanded(options.warmup(), tag + " warm-up", diagnostics);
            awaitQueueEmpty(tag + " warm-up", diagnostics);
            queues.drainUntilEmpty(LANDING);
        }
        int n = options.messages();
        Timed timed = fillAndTime(
                filler,
                RegistrationEvents.dataEvents(tag, n),
                CpuWindow.open(app, null),
                () -> awaitLanded(n, tag, diagnostics));
        phase.messages = n;
        phase.seconds = Stats.round(timed.seconds(), 3);
        phase.msgsPerSec = Stats.round(n / timed.seconds(), 0);
        phase.fillMsgsPerSec = Stats.round(n / timed.fillSeconds(), 0);
        phase.secondHalfMsgsPerSec = Stats.round(timed.secondHalfRate(n), 0);
        phase.cpu(timed.cpu());
        String consumer = app != null ? APP : "bench";
        phase.cpuMsPerMessage =
                Stats.round(phase.coresUsed.getOrDefault(consumer, Double.NaN) * timed.seconds() * 1000 / n, 3);

        awaitQueueEmpty(tag, diagnostics);
        check(phase, tag, queues.drainUntilEmpty(LANDING));
        checkQueuesEmpty(phase);
    }

    private long[] awaitLanded(long count, String what, Supplier<String> diagnostics) throws Exception {
        return awaitProgress(
                () -> queues.depth(LANDING),
                count,
                20,
                landed -> what + ": stuck at " + landed + " of " + count + " envelopes on " + LANDING + "; "
                        + queueDepths() + "; " + diagnostics.get());
    }

    private static void check(Phase phase, String tag, List<Message> landed) throws Exception {
        Set<String> users = new HashSet<>();
        for (Message message : landed) {
            JsonNode envelope = JSON.readTree(message.body());
            String user = envelope.path("data").path("globalUserId").asText();
            if (!user.startsWith(tag + "-")
                    || !"registration".equals(envelope.path("type").asText())
                    || envelope.path("id").asText().isEmpty()) {
                phase.problems.add("not an envelope of this phase: " + message.body());
                continue;
            }
            if (!users.add(user)) {
                phase.duplicates++;
            }
            if (!message.messageAttributes().containsKey("correlationId")) {
                phase.withoutCorrelationId++;
            }
        }
        phase.landed = landed.size();
        phase.distinctEvents = users.size();
        if (phase.distinctEvents != phase.messages || phase.landed != phase.messages) {
            phase.problems.add(phase.landed + " envelopes landed, " + phase.distinctEvents + " distinct, for "
                    + phase.messages + " events");
        }
        if (phase.duplicates > 0) {
            phase.problems.add(phase.duplicates + " duplicate envelopes");
        }
        if (phase.withoutCorrelationId > 0) {
            phase.problems.add(phase.withoutCorrelationId + " envelopes without the correlationId attribute");
        }
    }

    @Override
    public String table(Result<Phase> result) {
        StringBuilder out = new StringBuilder(
                result.header("processData: SQS " + QUEUE + " -> SNS " + TOPIC + " -> SQS " + LANDING));
        out.append(String.format(
                "%-6s %-9s %8s %11s %8s %10s %9s %4s  %s%n",
                "round", "system", "msgs/s", "2nd half/s", "seconds", "CPU ms/msg", "startup s", "ok", "cores"));
        for (Phase phase : result.phases) {
            out.append(String.format(
                    "%-6d %-9s %8.0f %11.0f %8.2f %10.3f %9s %4s  %s busy=%.0f%%%n",
                    phase.round,
                    phase.system,
                    phase.msgsPerSec,
                    phase.secondHalfMsgsPerSec,
                    phase.seconds,
                    phase.cpuMsPerMessage,
                    phase.startupSeconds == null ? "-" : String.format("%.2f", phase.startupSeconds),
                    phase.correct ? "yes" : "NO",
                    phase.coresUsed,
                    phase.machineBusy * 100));
        }
        out.append("medians:\n");
        result.medians.forEach((key, value) -> out.append(String.format("  %-30s %s%n", key, value)));
        out.append("all phases correct (exactly N envelopes, one per event, with correlationId; queues empty): ")
                .append(result.allCorrect)
                .append('\n');
        out.append(phaseProblems(result));
        return out.toString();
    }
}
