package bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import localstack.LocalStack;
import software.amazon.awssdk.services.sqs.SqsClient;
import standins.UserStandIn;

/**
 * upsertUsers throughput, SQS upsertUsersQueue -> user service (the stand-in, in this JVM) POST /users/upsert-many:
 * the packaged app (APP_NAME=upsertUsers, a fresh process per app phase) against {@link RawSqsToUserService}, 2
 * consumers each, alternating order, R rounds. Every phase: the consumers run first; W warm-up users are sent and
 * awaited (not timed); the stand-in is reset; then 2 filler threads send N users with fresh ids and the clock runs
 * from the first send until all N are stored in the stand-in and the queue is empty (visible + in flight).
 * Then: exactly the N users stored, with their fields, nothing left on the queue or on its DLQ.
 */
final class UpsertUsersBench
        extends AppVersusBaseline<UpsertUsersBench.Phase, AppVersusBaseline.Result<UpsertUsersBench.Phase>> {

    static final String QUEUE = "upsertUsersQueue";
    static final String DLQ = "upsertUsersQueue-dlq";
    static final String API_KEY = "local";
    private static final String BASELINE_THREADS = "baseline loops + their HTTP client";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final Filler filler;
    private final UserStandIn userService;

    UpsertUsersBench(Options options, Path root, LocalStack stack) {
        super("upsertUsers", "baseline", QUEUE, DLQ, Phase::new, options, root, stack);
        this.sqs = stack.sqs();
        this.filler = new Filler(sqs, options.fillers());
        this.userService = stack.standIns().user();
    }

    static final class Phase extends AppVersusBaseline.Phase {
        /** the timed window (wall clock), to cut the app's JFR recording (BENCH_APP_JFR=1) to it: bench.JfrProfile */
        public long startedAtEpochMs;

        public long endedAtEpochMs;
        public int users;
        public double seconds;
        public double usersPerSec;
        public double secondsToAllStored;
        public double secondHalfUsersPerSec;
        public double fillSeconds;
        public double fillMsgsPerSec;
        public long upsertCalls;
        public double usersPerCall;
        /** CPU per user: of the app JVM (app phases), of the baseline's loop threads and HTTP client (baseline phases) */
        public double cpuMsPerUser;
        /** the harness JVM's cores split by thread group */
        public Map<String, Double> benchJvmCoresByThreads;

        public long stored;
        public long missing;
        public long unexpected;
        public long wrongFields;
        public long baselineFailures;
    }

    @Override
    public Result<Phase> run() throws Exception {
        Result<Phase> result = start(
                new Result<>(),
                "; the user stand-in, the filler and the baseline run in the harness JVM",
                "usersPerPhase",
                "warmupPerPhase");
        result.settings.put("consumerThreads", options.consumers());
        result.settings.put("fillerThreads", options.fillers());
        result.settings.put("message", user("<id>"));
        result.settings.put(
                "app",
                "target/quarkus-app/quarkus-run.jar, APP_NAME=upsertUsers, -Xmx512m, profile local, fresh process per app phase"
                        + extraAppOpts());
        result.settings.put(
                "baseline",
                "AWS SDK v2 ReceiveMessage(10, wait 1 s) -> Jackson -> java.net.http POST /users/upsert-many "
                        + "(x-api-key) -> parse results -> DeleteMessageBatch of the UPSERTED, 2 threads, in the bench JVM");
        result.settings.put("storedCount", "UserStandIn.storedCount(), polled every 5 ms");
        result.settings.put("appCeilingFromConfig", appCeiling());
        log("warming up the bench JVM (not counted)");
        warmUpBaseline();
        runRounds(result);
        summarize(result);
        return result;
    }

    @Override
    protected String describe(Phase phase) {
        return String.format(
                "%.0f users/s (%d users in %.2f s, %d calls, %.1f users/call; app %s cores)",
                phase.usersPerSec,
                phase.users,
                phase.seconds,
                phase.upsertCalls,
                phase.usersPerCall,
                phase.coresUsed.getOrDefault(APP, 0.0));
    }

    @Override
    protected void measureBaseline(Phase phase) throws Exception {
        try (RawSqsToUserService baseline =
                new RawSqsToUserService(sqs, queues.url(QUEUE), userService.baseUrl(), API_KEY, options.consumers())) {
            measure(phase, baseline::diagnostics, null);
            phase.baselineFailures = baseline.failures();
            baseline.reportFailures(phase.problems);
        }
    }

    @Override
    protected void measureApp(Phase phase, AppProcess app) throws Exception {
        measure(phase, () -> "app log " + app.log() + ":\n" + app.logTail(20), app);
    }

    /** Warm-up, reset, then the timed N users, then the checks; the consumers are already running. */
    private void measure(Phase phase, Supplier<String> diagnostics, AppProcess app) throws Exception {
        String tag = tag(phase);
        checkDlqEmptyBefore(phase);
        if (options.warmup() > 0) {
            userService.reset();
            filler.send(queues.url(QUEUE), users(tag + ".warmup", options.warmup()));
            awaitStored(options.warmup(), tag + " warm-up", diagnostics);
            awaitQueueEmpty(tag + " warm-up", diagnostics);
        }
        userService.reset();
        int n = options.messages();
        List<RegistrationEvents.Event> users = users(tag, n);
        phase.startedAtEpochMs = System.currentTimeMillis();
        // the clock runs until every user is stored and the queue is empty
        Timed timed = fillAndTime(filler, users, CpuWindow.open(app, UpsertUsersBench::threadGroup), () -> {
            long[] halfAndAll = awaitStored(n, tag, diagnostics);
            awaitQueueEmpty(tag, diagnostics);
            return halfAndAll;
        });
        phase.endedAtEpochMs = System.currentTimeMillis();

        double wall = timed.seconds();
        phase.users = n;
        phase.seconds = Stats.round(wall, 3);
        phase.usersPerSec = Stats.round(n / wall, 0);
        phase.secondsToAllStored = Stats.round(Stats.seconds(timed.all() - timed.start()), 3);
        phase.secondHalfUsersPerSec = Stats.round(timed.secondHalfRate(n), 0);
        phase.fillSeconds = Stats.round(timed.fillSeconds(), 3);
        phase.fillMsgsPerSec = Stats.round(n / timed.fillSeconds(), 0);
        phase.cpu(timed.cpu());
        phase.benchJvmCoresByThreads = timed.cpu().benchJvmCoresByThreads();
        double grouped = phase.benchJvmCoresByThreads.values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
        double systemCores = phase.system.equals(APP)
                ? phase.coresUsed.getOrDefault(APP, Double.NaN)
                : phase.benchJvmCoresByThreads.getOrDefault(BASELINE_THREADS, Double.NaN);
        phase.cpuMsPerUser = Stats.round(systemCores * wall * 1000 / n, 3);
        phase.benchJvmCoresByThreads.put(
                "rest (filler, polling, GC, JIT)",
                Stats.round(Math.max(0, phase.coresUsed.getOrDefault("bench", 0.0) - grouped), 2));

        Thread.sleep(1000);
        phase.upsertCalls = userService.requests().stream()
                .filter(r -> r.path().startsWith("/users/upsert-many"))
                .count();
        phase.usersPerCall = phase.upsertCalls == 0 ? 0 : Stats.round((double) n / phase.upsertCalls, 2);
        Map<String, JsonNode> storedUsers = userService.storedUsers();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < n; i++) {
            expected.add(userId(tag, i));
        }
        phase.stored = storedUsers.size();
        phase.missing =
                expected.stream().filter(id -> !storedUsers.containsKey(id)).count();
        phase.unexpected = storedUsers.keySet().stream()
                .filter(id -> !expected.contains(id))
                .count();
        phase.wrongFields = storedUsers.entrySet().stream()
                .filter(e -> expected.contains(e.getKey()))
                .filter(e -> !e.getValue().equals(JSON.valueToTree(userNode(e.getKey()))))
                .count();
        if (phase.missing > 0 || phase.unexpected > 0 || phase.stored != n) {
            phase.problems.add(phase.stored + " users stored for " + n + " messages (" + phase.missing + " missing, "
                    + phase.unexpected + " unexpected)");
        }
        if (phase.wrongFields > 0) {
            phase.problems.add(phase.wrongFields + " users stored with other fields than sent");
        }
        checkQueuesEmpty(phase);
    }

    /** Waits until {@code count} users are stored; returns {when half were, when all were} (System.nanoTime). */
    private long[] awaitStored(int count, String what, Supplier<String> diagnostics) throws Exception {
        return awaitProgress(
                userService::storedCount,
                count,
                5,
                now -> what + ": stuck at " + now + " of " + count + " users stored; " + queueDepths() + "; "
                        + diagnostics.get());
    }

    static String userId(String tag, int n) {
        return tag + "-" + n;
    }

    private static Map<String, String> userNode(String id) {
        Map<String, String> user = new LinkedHashMap<>();
        user.put("globalUserId", id);
        user.put("firstName", "Fan");
        user.put("countryCode", "US");
        return user;
    }

    static String user(String id) {
        ObjectNode user = JSON.createObjectNode()
                .put("globalUserId", id)
                .put("firstName", "Fan")
                .put("countryCode", "US");
        return user.toString();
    }

    private static List<RegistrationEvents.Event> users(String tag, int count) {
        List<RegistrationEvents.Event> users = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            users.add(new RegistrationEvents.Event(user(userId(tag, n)), "corr-" + userId(tag, n)));
        }
        return users;
    }

    /** Groups of the harness JVM's threads for the CPU split: the user stand-in, the baseline (its loops + HTTP client). */
    private static String threadGroup(String name) {
        if (name.startsWith("user-stand-in") || name.startsWith("HTTP-Dispatcher")) {
            return "user stand-in (+ the stand-ins' HTTP dispatchers)";
        }
        if (name.startsWith("baseline-users") || name.startsWith("HttpClient-")) {
            return BASELINE_THREADS;
        }
        return null;
    }

    /** The app's own cap: services.user.rate-limit calls/s x upsert-users.batch-size users per call. */
    private String appCeiling() {
        String rate = appProperty("services.user.rate-limit", "?");
        String batch = appProperty("upsert-users.batch-size", "?");
        String source = appPropertyOverridden("services.user.rate-limit") ? " (from BENCH_APP_JAVA_OPTS)" : "";
        String cap;
        try {
            cap = " = at most " + Long.parseLong(rate) * Long.parseLong(batch) + " users/s";
        } catch (NumberFormatException e) {
            cap = "";
        }
        return "services.user.rate-limit " + rate + source + " calls/s x upsert-users.batch-size " + batch + cap;
    }

    private void summarize(Result<Phase> result) {
        putRatio(result, p -> p.usersPerSec, "appUsersPerSec", "baselineUsersPerSec", "ratioAppToBaseline");
        for (String system : List.of(APP, baseline)) {
            putMedian(result, system + "SecondHalfUsersPerSec", system, p -> p.secondHalfUsersPerSec, 0);
            putMedian(result, system + "CpuMsPerUser", system, p -> p.cpuMsPerUser, 3);
            putMedian(result, system + "UsersPerCall", system, p -> p.usersPerCall, 2);
            putMedian(result, system + "MachineBusy", system, p -> p.machineBusy, 2);
            for (String role : List.of(APP, "bench", "fauxqs")) {
                putMedian(result, system + "Cores." + role, system, p -> p.coresUsed.getOrDefault(role, Double.NaN), 2);
            }
        }
    }

    @Override
    public String table(Result<Phase> result) {
        StringBuilder out = new StringBuilder(
                result.header("upsertUsers: SQS " + QUEUE + " -> user service POST /users/upsert-many"));
        out.append(String.format(
                "%-6s %-9s %4s %8s %11s %8s %10s %6s %7s %7s %9s %6s %4s  %s%n",
                "round",
                "system",
                "pos",
                "users/s",
                "2nd half/s",
                "seconds",
                "fill msg/s",
                "calls",
                "u/call",
                "ms/user",
                "startup s",
                "RSS MB",
                "ok",
                "cores by process; harness JVM by threads; busy"));
        for (Phase phase : result.phases) {
            out.append(String.format(
                    "%-6d %-9s %4d %8.0f %11.0f %8.2f %10.0f %6d %7.2f %7.3f %9s %6s %4s  %s %s busy=%.0f%%%n",
                    phase.round,
                    phase.system,
                    phase.position,
                    phase.usersPerSec,
                    phase.secondHalfUsersPerSec,
                    phase.seconds,
                    phase.fillMsgsPerSec,
                    phase.upsertCalls,
                    phase.usersPerCall,
                    phase.cpuMsPerUser,
                    phase.startupSeconds == null ? "-" : String.format("%.2f", phase.startupSeconds),
                    phase.rssIdleMb == null ? "-" : String.format("%.0f/%.0f", phase.rssIdleMb, phase.rssAfterLoadMb),
                    phase.correct ? "yes" : "NO",
                    phase.coresUsed,
                    phase.appCoresByThreadKind != null ? phase.appCoresByThreadKind : phase.benchJvmCoresByThreads,
                    phase.machineBusy * 100));
        }
        out.append(
                "cores: by process; then the app JVM by thread kind (app phases) or the harness JVM by thread group (baseline phases)\n");
        out.append(
                        "ms/user = CPU per user of the app JVM (app) or of the baseline's threads (baseline); app's own cap: ")
                .append(result.settings.get("appCeilingFromConfig"))
                .append('\n');
        out.append("medians:\n");
        result.medians.forEach((key, value) -> out.append(String.format("  %-30s %s%n", key, value)));
        out.append("all phases correct (exactly the N users stored with their fields, queue and DLQ empty): ")
                .append(result.allCorrect)
                .append('\n');
        out.append(phaseProblems(result));
        return out.toString();
    }
}
