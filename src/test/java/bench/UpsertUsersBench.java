package bench;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import localstack.LocalStack;
import software.amazon.awssdk.services.sqs.SqsClient;
import standins.UserStandIn;
import support.Queues;

/**
 * upsertUsers throughput, SQS upsertUsersQueue -> user service (the stand-in, in this JVM) POST /users/upsert-many:
 * the packaged app (APP_NAME=upsertUsers, a fresh process per app phase) against {@link RawSqsToUserService}, 2
 * consumers each, alternating order, R rounds. Every phase: the consumers run first; W warm-up users are sent and
 * awaited (not timed); the stand-in is reset; then 2 filler threads send N users with fresh ids and the clock runs
 * from the first send until all N are stored in the stand-in and the queue is empty (visible + in flight).
 * Then: exactly the N users stored, with their fields, nothing left on the queue or on its DLQ.
 */
final class UpsertUsersBench implements Benchmark {

    static final String QUEUE = "upsertUsersQueue";
    static final String DLQ = "upsertUsersQueue-dlq";
    static final String API_KEY = "local";
    private static final String BASELINE_THREADS = "baseline loops + their HTTP client";
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options options;
    private final Path root;
    private final Path outDir;
    private final LocalStack stack;
    private final SqsClient sqs;
    private final Queues queues;
    private final Filler filler;
    private final UserStandIn userService;
    private final StoredCount stored;
    private final String queueUrl;

    UpsertUsersBench(Options options, Path root, Path outDir, LocalStack stack) {
        this.options = options;
        this.root = root;
        this.outDir = outDir;
        this.stack = stack;
        this.sqs = stack.sqs();
        this.queues = new Queues(stack);
        this.filler = new Filler(sqs, options.fillers());
        this.userService = stack.standIns().user();
        this.stored = new StoredCount(userService);
        this.queueUrl = queues.url(QUEUE);
    }

    static final class Phase {
        public String system;
        public int round;
        public int position;
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
        public double machineBusy;
        /** cores per process (app, bench = harness JVM, fauxqs, ...), and the harness JVM split by thread group */
        public Map<String, Double> coresUsed;
        public Map<String, Double> benchJvmCoresByThreads;
        /** app phases: the app's cores by thread kind (JIT compiler, GC, JVM other, Java threads); a fresh JVM compiles a lot */
        public Map<String, Double> appCoresByThreadKind;
        public long stored;
        public long missing;
        public long unexpected;
        public long wrongFields;
        public int queueDepthAfter;
        public int dlqDepthAfter;
        public long baselineFailures;
        public boolean correct;
        public List<String> problems = new ArrayList<>();
        // app only
        public Double startupSeconds;
        public Double rssIdleMb;
        public Double rssAfterLoadMb;
        public Long appLogWarnings;
        public Long appLogErrors;
        public String appLog;
    }

    static final class Result extends Benchmark.Result {
        Result() {
            super("upsertUsers");
        }

        public List<Phase> phases = new ArrayList<>();

        @Override
        String table() {
            return UpsertUsersBench.table(this);
        }
    }

    @Override
    public Result run() throws Exception {
        Result result = new Result();
        result.machine = Runtime.getRuntime().availableProcessors() + " cores, noisy shared workplace machine; the user stand-in, "
                + "the filler and the baseline run in the harness JVM";
        result.command = "bench/run upsertUsers --n " + options.messages() + " --rounds " + options.rounds() + " --warmup " + options.warmup();
        result.settings.put("usersPerPhase", options.messages());
        result.settings.put("warmupPerPhase", options.warmup());
        result.settings.put("rounds", options.rounds());
        result.settings.put("consumerThreads", options.consumers());
        result.settings.put("fillerThreads", options.fillers());
        result.settings.put("message", user("<id>"));
        result.settings.put("app", "target/quarkus-app/quarkus-run.jar, APP_NAME=upsertUsers, -Xmx512m, profile local, fresh process per app phase"
                + extraAppOpts());
        result.settings.put("baseline", "AWS SDK v2 ReceiveMessage(10, wait 1 s) -> Jackson -> java.net.http POST /users/upsert-many "
                + "(x-api-key) -> parse results -> DeleteMessageBatch of the UPSERTED, 2 threads, in the bench JVM");
        result.settings.put("storedCount", stored.how());
        result.settings.put("appCeilingFromConfig", appCeiling());
        // this JVM's own warm-up (filler, baseline, stand-in), not counted
        log("warming up the bench JVM (not counted)");
        Phase warmup = baselinePhase(0);
        log("warm-up baseline: %.0f users/s%s", warmup.usersPerSec, warmup.correct ? "" : " PROBLEMS " + warmup.problems);
        for (int round = 1; round <= options.rounds(); round++) {
            List<String> order = round % 2 == 1 ? List.of("baseline", "app") : List.of("app", "baseline");
            for (int position = 0; position < order.size(); position++) {
                String system = order.get(position);
                log("round %d/%d: %s", round, options.rounds(), system);
                Phase phase = system.equals("app") ? appPhase(round) : baselinePhase(round);
                phase.position = position + 1;
                result.phases.add(phase);
                log("round %d %s: %.0f users/s (%d users in %.2f s, %d calls, %.1f users/call; app %s cores)%s", round, system,
                        phase.usersPerSec, phase.users, phase.seconds, phase.upsertCalls, phase.usersPerCall,
                        phase.coresUsed.getOrDefault("app", 0.0), phase.correct ? "" : " PROBLEMS " + phase.problems);
            }
        }
        summarize(result);
        return result;
    }

    private Phase baselinePhase(int round) throws Exception {
        Phase phase = new Phase();
        phase.system = "baseline";
        phase.round = round;
        try (RawSqsToUserService baseline = new RawSqsToUserService(sqs, queueUrl, userService.baseUrl(), API_KEY, options.consumers())) {
            measure(phase, "r" + round + ".baseline",
                    () -> "baseline failures " + baseline.failures() + ", first " + baseline.firstFailure(), null);
            phase.baselineFailures = baseline.failures();
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
        Path log = outDir.resolve("logs/upsertUsers-app-round-" + round + ".log");
        phase.appLog = root.relativize(log).toString();
        Path jfr = "1".equals(System.getenv("BENCH_APP_JFR")) ? outDir.resolve("jfr/upsertUsers-app-round-" + round + ".jfr") : null;
        try (AppProcess app = AppProcess.start(root, root.resolve("target/quarkus-app/quarkus-run.jar"), "upsertUsers", stack.appConfig(), log, jfr)) {
            phase.startupSeconds = Stats.round(app.awaitReady(Duration.ofSeconds(180)), 2);
            phase.rssIdleMb = Stats.round(app.memoryMb("VmRSS"), 0);
            log("round %d app ready in %.2f s, RSS %.0f MB, pid %d", round, phase.startupSeconds, phase.rssIdleMb, app.pid());
            measure(phase, "r" + round + ".app", () -> "app log " + app.log() + ":\n" + app.logTail(20), app);
            phase.rssAfterLoadMb = Stats.round(app.memoryMb("VmRSS"), 0);
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

    /** Warm-up, reset, then the timed N users, then the checks; the consumers are already running. */
    private void measure(Phase phase, String tag, Supplier<String> diagnostics, AppProcess app) throws Exception {
        int dlqBefore = queues.depth(DLQ);
        if (dlqBefore > 0) {
            phase.problems.add(dlqBefore + " messages on " + DLQ + " before the phase");
        }
        if (options.warmup() > 0) {
            userService.reset();
            filler.send(queueUrl, users(tag + ".warmup", options.warmup()));
            awaitStored(options.warmup(), tag + " warm-up", diagnostics);
            awaitQueueEmpty(tag + " warm-up", diagnostics);
        }
        userService.reset();
        int n = options.messages();
        List<RegistrationEvents.Event> users = users(tag, n);
        Map<String, Double> cpuBefore = ProcessCpu.snapshot();
        Map<Long, Map.Entry<String, Long>> threadsBefore = ThreadCpu.snapshot(UpsertUsersBench::threadGroup);
        CpuSample machineBefore = CpuSample.now();
        Map<String, Double> appThreadsBefore = app == null ? null : app.cpuByThreadKind();

        phase.startedAtEpochMs = System.currentTimeMillis();
        long start = System.nanoTime();
        CompletableFuture<Long> fillEnd = CompletableFuture.supplyAsync(() -> {
            try {
                filler.send(queueUrl, users);
                return System.nanoTime();
            } catch (Exception e) {
                throw new IllegalStateException("filling " + tag + " failed", e);
            }
        });
        long[] halfAndAll = awaitStored(n, tag, diagnostics);
        awaitQueueEmpty(tag, diagnostics);
        long end = System.nanoTime();
        phase.endedAtEpochMs = System.currentTimeMillis();
        CpuSample machineAfter = CpuSample.now();
        Map<Long, Map.Entry<String, Long>> threadsAfter = ThreadCpu.snapshot(UpsertUsersBench::threadGroup);
        Map<String, Double> cpuAfter = ProcessCpu.snapshot();
        if (app != null) {
            phase.appCoresByThreadKind = ProcessCpu.coresUsed(appThreadsBefore, app.cpuByThreadKind(), Stats.seconds(end - start));
        }
        long filled = fillEnd.get();

        double wall = Stats.seconds(end - start);
        phase.users = n;
        phase.seconds = Stats.round(wall, 3);
        phase.usersPerSec = Stats.round(n / wall, 0);
        phase.secondsToAllStored = Stats.round(Stats.seconds(halfAndAll[1] - start), 3);
        phase.secondHalfUsersPerSec = Stats.round((n - n / 2) / Stats.seconds(halfAndAll[1] - halfAndAll[0]), 0);
        phase.fillSeconds = Stats.round(Stats.seconds(filled - start), 3);
        phase.fillMsgsPerSec = Stats.round(n / Stats.seconds(filled - start), 0);
        phase.machineBusy = Stats.round(machineAfter.busySince(machineBefore), 2);
        phase.coresUsed = ProcessCpu.coresUsed(cpuBefore, cpuAfter, wall);
        phase.benchJvmCoresByThreads = ThreadCpu.coresUsed(threadsBefore, threadsAfter, wall);
        double grouped = phase.benchJvmCoresByThreads.values().stream().mapToDouble(Double::doubleValue).sum();
        double systemCores = phase.system.equals("app") ? phase.coresUsed.getOrDefault("app", Double.NaN)
                : phase.benchJvmCoresByThreads.getOrDefault(BASELINE_THREADS, Double.NaN);
        phase.cpuMsPerUser = Stats.round(systemCores * wall * 1000 / n, 3);
        phase.benchJvmCoresByThreads.put("rest (filler, polling, GC, JIT)", Stats.round(Math.max(0,
                phase.coresUsed.getOrDefault("bench", 0.0) - grouped), 2));

        Thread.sleep(1000);
        phase.upsertCalls = userService.requests().stream().filter(r -> r.path().startsWith("/users/upsert-many")).count();
        phase.usersPerCall = phase.upsertCalls == 0 ? 0 : Stats.round((double) n / phase.upsertCalls, 2);
        Map<String, JsonNode> storedUsers = userService.storedUsers();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < n; i++) {
            expected.add(userId(tag, i));
        }
        phase.stored = storedUsers.size();
        phase.missing = expected.stream().filter(id -> !storedUsers.containsKey(id)).count();
        phase.unexpected = storedUsers.keySet().stream().filter(id -> !expected.contains(id)).count();
        phase.wrongFields = storedUsers.entrySet().stream().filter(e -> expected.contains(e.getKey()))
                .filter(e -> !e.getValue().equals(JSON.valueToTree(userNode(e.getKey())))).count();
        phase.queueDepthAfter = queues.depth(QUEUE);
        phase.dlqDepthAfter = queues.depth(DLQ);
        if (phase.missing > 0 || phase.unexpected > 0 || phase.stored != n) {
            phase.problems.add(phase.stored + " users stored for " + n + " messages (" + phase.missing + " missing, " + phase.unexpected + " unexpected)");
        }
        if (phase.wrongFields > 0) {
            phase.problems.add(phase.wrongFields + " users stored with other fields than sent");
        }
        if (phase.queueDepthAfter != 0) {
            phase.problems.add(phase.queueDepthAfter + " messages left on " + QUEUE);
        }
        if (phase.dlqDepthAfter != 0) {
            phase.problems.add(phase.dlqDepthAfter + " messages on " + DLQ);
        }
    }

    /** Waits until {@code count} users are stored; returns {when half were, when all were} (System.nanoTime). */
    private long[] awaitStored(int count, String what, Supplier<String> diagnostics) throws Exception {
        long seen = -1;
        long lastProgress = System.nanoTime();
        long half = 0;
        while (true) {
            int now = stored.count();
            long at = System.nanoTime();
            if (half == 0 && now >= count / 2) {
                half = at;
            }
            if (now >= count) {
                return new long[] {half, at};
            }
            if (now != seen) {
                seen = now;
                lastProgress = at;
            } else if (at - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException(what + ": stuck at " + now + " of " + count + " users stored for " + STALL.toSeconds()
                        + " s; queue depth " + queues.depth(QUEUE) + ", DLQ depth " + queues.depth(DLQ) + "; " + diagnostics.get());
            }
            Thread.sleep(5);
        }
    }

    private void awaitQueueEmpty(String what, Supplier<String> diagnostics) throws Exception {
        long deadline = System.nanoTime() + STALL.toNanos();
        while (queues.depth(QUEUE) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": " + QUEUE + " not empty after " + STALL.toSeconds() + " s (depth "
                        + queues.depth(QUEUE) + "); " + diagnostics.get());
            }
            Thread.sleep(10);
        }
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
        ObjectNode user = JSON.createObjectNode().put("globalUserId", id).put("firstName", "Fan").put("countryCode", "US");
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
        java.util.Properties properties = new java.util.Properties();
        try (var in = Files.newBufferedReader(root.resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        String rate = properties.getProperty("services.user.rate-limit", "?");
        String batch = properties.getProperty("upsert-users.batch-size", "?");
        String extra = extraAppOpts();
        java.util.regex.Matcher override = java.util.regex.Pattern.compile("-Dservices\\.user\\.rate-limit=(\\S+)").matcher(extra);
        String source = "";
        if (override.find()) {
            rate = override.group(1);
            source = " (from BENCH_APP_JAVA_OPTS)";
        }
        String cap;
        try {
            cap = " = at most " + Long.parseLong(rate) * Long.parseLong(batch) + " users/s";
        } catch (NumberFormatException e) {
            cap = "";
        }
        return "services.user.rate-limit " + rate + source + " calls/s x upsert-users.batch-size " + batch + cap;
    }

    private static String extraAppOpts() {
        String extra = System.getenv("BENCH_APP_JAVA_OPTS");
        return extra == null || extra.isBlank() ? "" : ", BENCH_APP_JAVA_OPTS=" + extra.trim();
    }

    private static void summarize(Result result) {
        List<Double> app = new ArrayList<>();
        List<Double> baseline = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (Phase phase : result.phases) {
            if (phase.system.equals("app")) {
                app.add(phase.usersPerSec);
                result.phases.stream().filter(p -> p.system.equals("baseline") && p.round == phase.round).findFirst()
                        .ifPresent(b -> ratios.add(phase.usersPerSec / b.usersPerSec));
            } else {
                baseline.add(phase.usersPerSec);
            }
        }
        double appMedian = Stats.median(app);
        double baselineMedian = Stats.median(baseline);
        result.medians.put("appUsersPerSec", Stats.round(appMedian, 0));
        result.medians.put("baselineUsersPerSec", Stats.round(baselineMedian, 0));
        result.medians.put("ratioAppToBaseline", Stats.round(appMedian / baselineMedian, 3));
        result.medians.put("medianOfRoundRatios", Stats.round(Stats.median(ratios), 3));
        for (String system : List.of("app", "baseline")) {
            List<Phase> of = result.phases.stream().filter(p -> p.system.equals(system)).toList();
            result.medians.put(system + "SecondHalfUsersPerSec", Stats.round(Stats.median(of.stream().map(p -> p.secondHalfUsersPerSec).toList()), 0));
            result.medians.put(system + "CpuMsPerUser", Stats.round(Stats.median(of.stream().map(p -> p.cpuMsPerUser).toList()), 3));
            result.medians.put(system + "UsersPerCall", Stats.round(Stats.median(of.stream().map(p -> p.usersPerCall).toList()), 2));
            result.medians.put(system + "MachineBusy", Stats.round(Stats.median(of.stream().map(p -> p.machineBusy).toList()), 2));
            for (String role : List.of("app", "bench", "fauxqs")) {
                result.medians.put(system + "Cores." + role, Stats.round(Stats.median(of.stream()
                        .map(p -> p.coresUsed.getOrDefault(role, Double.NaN)).toList()), 2));
            }
        }
        result.allCorrect = result.phases.stream().allMatch(p -> p.correct);
    }

    private static long count(String text, String needle) {
        long count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            count++;
        }
        return count;
    }

    private static void log(String format, Object... args) {
        Bench.log(format, args);
    }

    static String table(Result result) {
        StringBuilder out = new StringBuilder("\n");
        out.append("upsertUsers: SQS ").append(QUEUE).append(" -> user service POST /users/upsert-many; machine: ").append(result.machine).append('\n');
        out.append("command: ").append(result.command).append('\n');
        out.append(String.format("%-6s %-9s %4s %8s %11s %8s %10s %6s %7s %7s %9s %6s %4s  %s%n", "round", "system", "pos", "users/s",
                "2nd half/s", "seconds", "fill msg/s", "calls", "u/call", "ms/user", "startup s", "RSS MB", "ok", "cores by process; harness JVM by threads; busy"));
        for (Phase phase : result.phases) {
            out.append(String.format("%-6d %-9s %4d %8.0f %11.0f %8.2f %10.0f %6d %7.2f %7.3f %9s %6s %4s  %s %s busy=%.0f%%%n", phase.round, phase.system,
                    phase.position, phase.usersPerSec, phase.secondHalfUsersPerSec, phase.seconds, phase.fillMsgsPerSec, phase.upsertCalls,
                    phase.usersPerCall, phase.cpuMsPerUser, phase.startupSeconds == null ? "-" : String.format("%.2f", phase.startupSeconds),
                    phase.rssIdleMb == null ? "-" : String.format("%.0f/%.0f", phase.rssIdleMb, phase.rssAfterLoadMb),
                    phase.correct ? "yes" : "NO", phase.coresUsed, phase.appCoresByThreadKind != null ? phase.appCoresByThreadKind
                            : phase.benchJvmCoresByThreads, phase.machineBusy * 100));
        }
        out.append("cores: by process; then the app JVM by thread kind (app phases) or the harness JVM by thread group (baseline phases)\n");
        out.append("ms/user = CPU per user of the app JVM (app) or of the baseline's threads (baseline); app's own cap: ")
                .append(result.settings.get("appCeilingFromConfig")).append('\n');
        out.append("medians:\n");
        result.medians.forEach((key, value) -> out.append(String.format("  %-30s %s%n", key, value)));
        out.append("all phases correct (exactly the N users stored with their fields, queue and DLQ empty): ").append(result.allCorrect).append('\n');
        for (Phase phase : result.phases) {
            if (!phase.problems.isEmpty()) {
                out.append("  round ").append(phase.round).append(' ').append(phase.system).append(": ").append(phase.problems).append('\n');
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        // the clients belong to the stack
    }

    /**
     * How many users the stand-in holds, cheaply: the size of its map, read by reflection (storedUsers() deep-copies
     * every user, too costly to poll every few ms in the JVM that also runs the stand-in); storedUsers() if the field
     * is not there. The final check always uses storedUsers().
     */
    static final class StoredCount {
        private final UserStandIn userService;
        private final Map<?, ?> map;

        StoredCount(UserStandIn userService) {
            this.userService = userService;
            Map<?, ?> found = null;
            try {
                Field field = UserStandIn.class.getDeclaredField("usersById");
                field.setAccessible(true);
                if (field.get(userService) instanceof Map<?, ?> users) {
                    found = users;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                found = null;
            }
            this.map = found;
        }

        int count() {
            return map != null ? map.size() : userService.storedUsers().size();
        }

        String how() {
            return map != null ? "size of UserStandIn.usersById (reflection), polled every 5 ms" : "UserStandIn.storedUsers().size(), polled every 5 ms";
        }
    }
}
