package bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import localstack.LocalPaths;
import localstack.LocalStack;
import software.amazon.awssdk.services.sqs.model.Message;
import standins.Faults;
import standins.StandInServer;

/**
 * The fault suite ({@code bench/run faults}): for each scenario, the local stack, the packaged app as one or two
 * replicas of the stack under test, a load of good messages with unique ids and 1 % poison, a fault injected while
 * the load is in work, then counts of what landed: sent, landed, lost, duplicated, dead-lettered (good and poison),
 * and the seconds from the end of the fault (or the kill) until everything had landed. The figures every scenario
 * must meet: nothing lost, no good message dead-lettered, every poison message dead-lettered, duplicates only from a
 * kill -9 and at most what the killed replica held. Writes target/bench/faults.json and prints the table.
 */
final class FaultSuite {

    static final String NAME = "faults";
    static final String USAGE =
            "  faults:           [--scenario NAME[,NAME...]] (default: every scenario; --list names them)";
    private static final Duration DRAIN_DEADLINE = Duration.ofMinutes(4);

    /** How a scenario injects its fault while the load is in work; answers when the fault ended (System.nanoTime). */
    interface Fault {
        long inject(Context context) throws Exception;
    }

    record Context(LocalStack stack, List<AppProcess> replicas, FaultPipelines.Pipeline pipeline, int good) {
        /** Waits for the pipeline's fault window: by default until at least this share of the good ids has landed. */
        void awaitLanded(double share) throws Exception {
            pipeline.awaitFaultWindow(good, share);
            Bench.log("fault starts with %d of %d landed", pipeline.landed().size(), good);
        }
    }

    record Scenario(
            String name,
            String fault,
            int replicas,
            int messages,
            Function<LocalStack, FaultPipelines.Pipeline> pipeline,
            Fault inject,
            int duplicatesAllowed) {}

    /** One scenario's figures. */
    public record Row(
            String scenario,
            String fault,
            int replicas,
            int sent,
            int poison,
            int landed,
            int lost,
            int duplicates,
            int goodDeadLettered,
            int poisonDeadLettered,
            double secondsToDrain,
            boolean correct,
            List<String> problems) {}

    public static final class Result {
        public String startedAt;
        public String gitHead;
        public String command;
        public List<Row> scenarios = new ArrayList<>();
        public boolean allCorrect = true;
    }

    private FaultSuite() {}

    static Map<String, Scenario> scenarios() {
        Map<String, Scenario> all = new LinkedHashMap<>();
        add(
                all,
                new Scenario(
                        "user-down-60s",
                        "user service down 60 s",
                        2,
                        2_000,
                        FaultPipelines::users,
                        down("user", 60),
                        0));
        add(
                all,
                new Scenario(
                        "user-down-5m",
                        "user service down 5 min",
                        2,
                        2_000,
                        FaultPipelines::users,
                        down("user", 300),
                        0));
        add(
                all,
                new Scenario(
                        "user-429-503-2m",
                        "user service: 25 % 429 + 25 % 503 for 2 min",
                        2,
                        3_000,
                        FaultPipelines::users,
                        errors("user", 0.25, 0.25, 120),
                        0));
        add(
                all,
                new Scenario(
                        "user-slow-5s",
                        "user service answering in 5 s for 90 s (held messages outlive the 30 s visibility timeout)",
                        2,
                        500,
                        FaultPipelines::users,
                        slow("user", 5_000, 90),
                        0));
        add(
                all,
                new Scenario(
                        "user-401-60s",
                        "user service refuses our API key (401) 60 s",
                        2,
                        1_000,
                        FaultPipelines::users,
                        status("user", 401, 60),
                        0));
        add(
                all,
                new Scenario(
                        "code-down-60s",
                        "code service down 60 s",
                        2,
                        1_000,
                        FaultPipelines::codeMarks,
                        down("code", 60),
                        0));
        add(
                all,
                new Scenario(
                        "code-down-5m",
                        "code service down 5 min",
                        2,
                        1_000,
                        FaultPipelines::codeMarks,
                        down("code", 300),
                        0));
        add(
                all,
                new Scenario(
                        "scoring-down-60s",
                        "scoring service down 60 s",
                        2,
                        300,
                        FaultPipelines::scores,
                        down("scoring", 60),
                        0));
        add(
                all,
                new Scenario(
                        "scoring-down-5m",
                        "scoring service down 5 min",
                        2,
                        300,
                        FaultPipelines::scores,
                        down("scoring", 300),
                        0));
        add(
                all,
                new Scenario(
                        "entry-down-60s",
                        "entry service down 60 s",
                        2,
                        300,
                        FaultPipelines::entries,
                        down("entry", 60),
                        0));
        add(
                all,
                new Scenario(
                        "entry-down-60s-selections",
                        "entry service down 60 s while winners are saved",
                        2,
                        1_000,
                        FaultPipelines::selections,
                        down("entry", 60),
                        0));
        add(
                all,
                new Scenario(
                        "entry-down-5m-selections",
                        "entry service down 5 min while winners are saved",
                        2,
                        1_000,
                        FaultPipelines::selections,
                        down("entry", 300),
                        0));
        add(
                all,
                new Scenario(
                        "entry-down-5m",
                        "entry service down 5 min",
                        2,
                        300,
                        FaultPipelines::entries,
                        down("entry", 300),
                        0));
        add(
                all,
                new Scenario(
                        "campaign-down-60s",
                        "campaign service down 60 s while markets are notified",
                        2,
                        2_000,
                        FaultPipelines::notifications,
                        down("campaign", 60),
                        0));
        add(
                all,
                new Scenario(
                        "campaign-down-5m",
                        "campaign service down 5 min while markets are notified",
                        2,
                        2_000,
                        FaultPipelines::notifications,
                        down("campaign", 300),
                        0));
        add(
                all,
                new Scenario(
                        "dynamodb-freeze-20s",
                        "DynamoDB Local frozen (SIGSTOP) 20 s",
                        2,
                        300,
                        FaultPipelines::entries,
                        freeze(LocalStack.Server.DYNAMODB, 20),
                        0));
        add(
                all,
                new Scenario(
                        "kafka-freeze-60s",
                        "Kafka frozen (SIGSTOP) 60 s",
                        2,
                        2_000,
                        FaultPipelines::dataEvents,
                        freeze(LocalStack.Server.KAFKA, 60),
                        0));
        // past the delivery timeout the producer gives up on records the broker may have appended already (their acks
        // were lost in the freeze): sent again, they are duplicates with the same eventId, at most the records in
        // flight
        add(
                all,
                new Scenario(
                        "kafka-freeze-3m",
                        "Kafka frozen (SIGSTOP) 3 min, past the producer's delivery timeout",
                        2,
                        2_000,
                        FaultPipelines::dataEvents,
                        freeze(LocalStack.Server.KAFKA, 180),
                        2 * 400));
        // requests sent to the frozen endpoint are executed when it resumes, after the app timed them out and sent them
        // again: a publish lands twice (the same envelope, the same eventId), at most what was in flight
        add(
                all,
                new Scenario(
                        "sqs-freeze-30s",
                        "SQS/SNS endpoint frozen (SIGSTOP) 30 s",
                        2,
                        2_000,
                        FaultPipelines::dataEvents,
                        freeze(LocalStack.Server.SQS_SNS, 30),
                        2 * 400));
        // no injected fault: the race is the fault (score updates racing the replication of the first versions,
        // on two replicas); landed = the entry service holds demand-table's current version
        add(
                all,
                new Scenario(
                        "replication-race-20k",
                        "20 000 registrations, each scored while it replicates, on two replicas",
                        2,
                        20_000,
                        FaultPipelines::entryRaces,
                        context -> System.nanoTime(),
                        0));
        add(
                all,
                new Scenario(
                        "kill-9-replica",
                        "kill -9 of one of two replicas mid-stream",
                        2,
                        10_000,
                        FaultPipelines::dataEvents,
                        signal(0, "KILL"),
                        2 * 400));
        add(
                all,
                new Scenario(
                        "kill-9-stream-leader",
                        "kill -9 of the replica holding the stream reader's lease mid-replication",
                        2,
                        500,
                        FaultPipelines::entries,
                        killStreamLeader(),
                        2 * 400));
        add(
                all,
                new Scenario(
                        "sigterm-replica",
                        "SIGTERM (rolling restart) of one of two replicas mid-stream",
                        2,
                        5_000,
                        FaultPipelines::dataEvents,
                        signal(0, "TERM"),
                        0));
        return all;
    }

    private static void add(Map<String, Scenario> all, Scenario scenario) {
        all.put(scenario.name(), scenario);
    }

    static int main(String[] args) throws Exception {
        List<String> selected = new ArrayList<>(scenarios().keySet());
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--scenario" -> selected = List.of(args[++i].split(","));
                case "--list" -> {
                    scenarios().values().forEach(s -> System.out.println(s.name() + ": " + s.fault()));
                    return 0;
                }
                default ->
                    throw new IllegalArgumentException("unknown argument '" + args[i] + "' for faults\n" + USAGE);
            }
        }
        for (String name : selected) {
            if (!scenarios().containsKey(name)) {
                throw new IllegalArgumentException("unknown scenario '" + name + "'; known: "
                        + String.join(", ", scenarios().keySet()));
            }
        }
        Path root = LocalPaths.projectRoot();
        Path appJar = root.resolve("target/quarkus-app/quarkus-run.jar");
        Path outDir = root.resolve("target/bench");
        Files.createDirectories(outDir.resolve("logs"));
        Result result = new Result();
        result.startedAt = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                .withNano(0)
                .toString();
        result.gitHead = Bench.gitHead(root);
        result.command = "bench/run faults"
                + (args.length > 1 ? " " + String.join(" ", List.of(args).subList(1, args.length)) : "");
        for (String name : selected) {
            Scenario scenario = scenarios().get(name);
            Bench.log("scenario %s: %s", name, scenario.fault());
            // a fresh stack per scenario: a frozen or killed server must not leave the next scenario a degraded one
            try (LocalStack stack = LocalStack.start(LocalStack.Ports.FREE)) {
                Row row = run(scenario, stack, root, appJar, outDir);
                result.scenarios.add(row);
                result.allCorrect &= row.correct();
                Bench.log(
                        "%s: sent %d (poison %d), landed %d, lost %d, duplicates %d, good dead-lettered %d, poison dead-lettered %d,"
                                + " drained %.1f s after the fault; %s",
                        name,
                        row.sent(),
                        row.poison(),
                        row.landed(),
                        row.lost(),
                        row.duplicates(),
                        row.goodDeadLettered(),
                        row.poisonDeadLettered(),
                        row.secondsToDrain(),
                        row.correct() ? "OK" : "NOT OK " + row.problems());
            }
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            mapper.writeValue(outDir.resolve("faults.json").toFile(), result);
            mapper.writeValue(
                    outDir.resolve("faults-" + result.startedAt.replace(":", "") + ".json")
                            .toFile(),
                    result);
        }
        System.out.print(table(result));
        return result.allCorrect ? 0 : 1;
    }

    /** Runs one scenario with another load size on a stack of its own (the integration tests' short versions). */
    static Row runScenario(String name, int messages) throws Exception {
        Scenario full = scenarios().get(name);
        Scenario scenario = new Scenario(
                full.name(),
                full.fault(),
                full.replicas(),
                messages,
                full.pipeline(),
                full.inject(),
                full.duplicatesAllowed());
        Path root = LocalPaths.projectRoot();
        Path outDir = root.resolve("target/bench");
        Files.createDirectories(outDir.resolve("logs"));
        try (LocalStack stack = LocalStack.start(LocalStack.Ports.FREE)) {
            return run(scenario, stack, root, root.resolve("target/quarkus-app/quarkus-run.jar"), outDir);
        }
    }

    private static Row run(Scenario scenario, LocalStack stack, Path root, Path appJar, Path outDir) throws Exception {
        int poisonCount = Math.max(1, scenario.messages() / 100);
        String tag = scenario.name() + "-" + System.currentTimeMillis();
        List<String> good = IntStream.range(0, scenario.messages())
                .mapToObj(i -> tag + "-" + i)
                .toList();
        List<String> poison = IntStream.range(0, poisonCount)
                .mapToObj(i -> tag + "-poison-" + i)
                .toList();
        List<AppProcess> replicas = new ArrayList<>();
        try (FaultPipelines.Pipeline pipeline = scenario.pipeline().apply(stack)) {
            for (int i = 0; i < scenario.replicas(); i++) {
                Map<String, String> config = new LinkedHashMap<>(stack.appConfig());
                config.putAll(pipeline.appConfig());
                replicas.add(AppProcess.startStack(
                        root,
                        appJar,
                        pipeline.stack(),
                        config,
                        outDir.resolve("logs/faults-" + scenario.name() + "-replica-" + i + ".log"),
                        null));
            }
            for (AppProcess replica : replicas) {
                replica.awaitReady(Duration.ofSeconds(90));
            }
            // the load goes in while the fault is injected, as traffic keeps coming during an incident
            long sendStarted = System.nanoTime();
            CompletableFuture<Long> sending = CompletableFuture.supplyAsync(() -> {
                try {
                    pipeline.send(good, poison);
                    Bench.log(
                            "%s: load sent in %.1f s", scenario.name(), Stats.seconds(System.nanoTime() - sendStarted));
                    return System.nanoTime();
                } catch (Exception e) {
                    throw new IllegalStateException("sending the load failed", e);
                }
            });
            long faultEnded = scenario.inject().inject(new Context(stack, replicas, pipeline, good.size()));
            Bench.log(
                    "%s: fault over %.1f s after the load started, %d of %d landed by then",
                    scenario.name(),
                    Stats.seconds(faultEnded - sendStarted),
                    pipeline.landed().size(),
                    good.size());
            // drained: from the end of the fault, or of the load if it was still coming in, until everything landed
            long drainFrom = Math.max(faultEnded, sending.join());
            long deadline = drainFrom + pipeline.drainDeadline(DRAIN_DEADLINE).toNanos();
            long drainedAt = -1;
            while (System.nanoTime() < deadline) {
                if (pipeline.landed().keySet().containsAll(good)) {
                    drainedAt = System.nanoTime();
                    break;
                }
                Thread.sleep(pipeline.landedPollInterval().toMillis());
            }
            Thread.sleep(5_000); // late duplicates and dead letters
            Map<String, Integer> landed = pipeline.landed();
            int landedGood = (int) good.stream().filter(landed::containsKey).count();
            int duplicates = good.stream()
                    .mapToInt(id -> Math.max(0, landed.getOrDefault(id, 0) - 1))
                    .sum();
            int goodDead = 0;
            int poisonDead = 0;
            List<String> problems = new ArrayList<>();
            for (String queue : pipeline.queues()) {
                for (Message message : drain(stack, queue + "-dlq")) {
                    if (message.body().contains("-poison-")) {
                        poisonDead++;
                        if (!message.messageAttributes().containsKey("failureReason")) {
                            problems.add("a poison message in " + queue + "-dlq without its failureReason");
                        }
                    } else {
                        goodDead++;
                    }
                }
            }
            int lost = good.size() - landedGood;
            if (lost > 0) {
                problems.add(lost + " lost");
            }
            if (goodDead > 0) {
                problems.add(goodDead + " good messages dead-lettered");
            }
            if (poisonDead != poison.size()) {
                problems.add(poisonDead + " of " + poison.size() + " poison messages dead-lettered");
            }
            if (duplicates > scenario.duplicatesAllowed()) {
                problems.add(duplicates + " duplicates (allowed " + scenario.duplicatesAllowed() + ")");
            }
            double drainSeconds = drainedAt < 0 ? Double.NaN : Stats.round(Math.max(0, drainedAt - drainFrom) / 1e9, 1);
            return new Row(
                    scenario.name(),
                    scenario.fault(),
                    scenario.replicas(),
                    good.size() + poison.size(),
                    poison.size(),
                    landedGood,
                    lost,
                    duplicates,
                    goodDead,
                    poisonDead,
                    drainSeconds,
                    problems.isEmpty(),
                    problems);
        } finally {
            for (AppProcess replica : replicas) {
                replica.close();
            }
        }
    }

    private static List<Message> drain(LocalStack stack, String queue) {
        String url = stack.sqs().getQueueUrl(b -> b.queueName(queue)).queueUrl();
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = stack.sqs()
                    .receiveMessage(b -> b.queueUrl(url)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .visibilityTimeout(60)
                            .messageAttributeNames("All"))
                    .messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
    }

    // ---- faults

    /** A downstream service answers 503 to everything for {@code seconds}, starting once a tenth of the load landed. */
    static Fault down(String service, int seconds) {
        return serviceFault(service, Faults.serviceDown(), seconds);
    }

    static Fault errors(String service, double errorRate, double throttleRate, int seconds) {
        return serviceFault(service, Faults.errors(errorRate).withThrottleRate(throttleRate), seconds);
    }

    static Fault slow(String service, long latencyMs, int seconds) {
        return serviceFault(service, Faults.latency(latencyMs), seconds);
    }

    static Fault status(String service, int status, int seconds) {
        return serviceFault(service, Faults.status(status), seconds);
    }

    private static Fault serviceFault(String service, Faults faults, int seconds) {
        return context -> {
            context.awaitLanded(0.1);
            StandInServer server = context.stack().standIns().server(service);
            server.faults(faults);
            context.pipeline().faultInPlace();
            try {
                Thread.sleep(seconds * 1000L);
            } finally {
                server.faults(Faults.NONE);
            }
            return System.nanoTime();
        };
    }

    /** A local server frozen (SIGSTOP) for {@code seconds}, as a hung host, once a tenth of the load landed. */
    static Fault freeze(LocalStack.Server server, int seconds) {
        return context -> {
            context.awaitLanded(0.1);
            context.stack().freeze(server);
            context.pipeline().faultInPlace();
            try {
                Thread.sleep(seconds * 1000L);
            } finally {
                context.stack().thaw(server);
            }
            return System.nanoTime();
        };
    }

    /** A signal to one replica's JVM once 30 % of the load landed; the fault "ends" with the signal. */
    static Fault signal(int replica, String signal) {
        return context -> {
            context.awaitLanded(0.3);
            long pid = context.replicas().get(replica).pid();
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .inheritIO()
                    .start()
                    .waitFor();
            return System.nanoTime();
        };
    }

    /** kill -9 of the replica that last logged taking the stream reader's lease, once 30 % of the load landed. */
    static Fault killStreamLeader() {
        return context -> {
            context.awaitLanded(0.3);
            AppProcess leader = null;
            String latest = "";
            for (AppProcess replica : context.replicas()) {
                for (String line : Files.readAllLines(replica.log())) {
                    if (line.contains("Stream lease acquired") && line.compareTo(latest) > 0) {
                        latest = line;
                        leader = replica;
                    }
                }
            }
            if (leader == null) {
                throw new IllegalStateException("no replica logged taking the stream lease");
            }
            new ProcessBuilder("kill", "-KILL", Long.toString(leader.pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
            Bench.log("killed the stream leader (pid %d)", leader.pid());
            return System.nanoTime();
        };
    }

    static String table(Result result) {
        StringBuilder out = new StringBuilder(
                "\n| scenario | fault | replicas | sent (poison) | landed | lost | duplicates | good DLQ | poison DLQ"
                        + " | drained after the fault (and the load) | verdict |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : result.scenarios) {
            out.append(String.format(
                    "| %s | %s | %d | %d (%d) | %d | %d | %d | %d | %d | %s | %s |%n",
                    row.scenario(),
                    row.fault(),
                    row.replicas(),
                    row.sent(),
                    row.poison(),
                    row.landed(),
                    row.lost(),
                    row.duplicates(),
                    row.goodDeadLettered(),
                    row.poisonDeadLettered(),
                    Double.isNaN(row.secondsToDrain()) ? "never" : row.secondsToDrain() + " s",
                    row.correct() ? "OK" : "NOT OK: " + String.join("; ", row.problems())));
        }
        return out.toString();
    }
}
