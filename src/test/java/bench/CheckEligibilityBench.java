package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import localstack.LocalStack;
import standins.DemoData;
import support.Tokens;

/**
 * checkEligibility with a cache hit against the cheapest REST route of the same app (POST /bench/fixed, a bare
 * platform-http route answering a fixed JSON), in one app process (APP_NAME=checkEligibility) and one run. The
 * fixed route is the benchmark's, not the app's: {@link #FIXED_ROUTE}, an XML DSL file the app loads at start.
 * Both get the same request: the seed's example body, {@code Authorization: Bearer <token of the seed's user>},
 * {@code Content-Type: application/json}; every answer must be 200 with {@code "isEligible":true}.
 * <ol>
 *   <li>warm-up: the seed's request once (campaign into Redis; the answer must be the seed's success response),
 *       then both routes under the closed loop until the app's JIT has settled (see run()), not counted;</li>
 *   <li>peak: closed loop at each connection count C (default 8, 16, 24), D seconds each, R rounds in alternating
 *       order; a target's peak in a round is its best C;</li>
 *   <li>half load: open loop at half of the median checkEligibility peak, the same rate for both routes, D seconds,
 *       R rounds in alternating order; latency from each request's due time.</li>
 * </ol>
 * A phase is valid only if every answer was right and every campaign lookup was a cache hit: no refused Redis read
 * in the app's log, no campaign-service call. The load generator ({@link HttpLoad}) runs in this JVM on the same
 * machine; its own CPU is measured per phase.
 */
final class CheckEligibilityBench extends StackBenchmark<CheckEligibilityBench.Result> {

    /** Issue 16's goals: the peak ratio against the bare route, and the p99 at half of checkEligibility's peak. */
    static final double GOAL_RATIO = 0.6;

    static final double GOAL_HALF_LOAD_P99_MS = 5;

    static final String CHECK = "checkEligibility";
    static final String BASELINE = "baseline";
    static final String EXPECT = "\"isEligible\":true";
    /**
     * The baseline's route, POST /bench/fixed (relative to the project root): the app loads it at start
     * (camel.main.routes-include-pattern), so it exists only in the app this benchmark runs.
     */
    static final String FIXED_ROUTE = "bench/fixed-route.xml";

    static final String FIXED_PATH = "/bench/fixed";
    private static final ObjectMapper JSON = new ObjectMapper();

    CheckEligibilityBench(Options options, Path root, LocalStack stack) {
        super(options, root, stack);
    }

    /** One load phase of one route, and the CPU of its window. */
    @JsonPropertyOrder({"part", "round", "position", "target", "connections"})
    static final class Phase extends CpuWindow.Recorded {
        public String part;
        public int round;
        public int position;
        public String target;
        public int connections;
        /** the phase's window (wall clock), to cut a whole-run JFR recording of the app into phases (bench.JfrProfile) */
        public long startedAtEpochMs;

        public long endedAtEpochMs;
        /** peak only: this was the target's best connection count in its round (what its peak is) */
        public boolean best;

        public HttpLoad.Result load;
        /** "Campaign cache unavailable" lines the app logged during the phase (a refused Redis read = a cache miss) */
        public long cacheFailures;
        /** campaign-service calls during the phase (0 when every request was a cache hit) */
        public long campaignCalls;
        /** the app's CPU per answered request, and the part of it spent in the kernel (system time) */
        public double appCpuMsPerRequest;

        public double appSystemCpuShare;
        /** context switches of the app's threads per answered request (thread hand-offs, wake-ups) */
        public double appContextSwitchesPerRequest;
    }

    static final class Result extends Benchmark.Result {
        public Map<String, Object> app = new LinkedHashMap<>();
        public List<Phase> warmup = new ArrayList<>();
        /** the app's CPU, in cores, during 5 s without load after the warm-up (JIT compilation still going on shows here) */
        public double appIdleCoresAfterWarmup;

        public double warmupSecondsTaken;
        public double halfLoadRate;
        public List<Phase> phases = new ArrayList<>();
        public Map<String, Object> goals = new LinkedHashMap<>();
        public List<String> problems = new ArrayList<>();
    }

    @Override
    public Result run() throws Exception {
        Result result = new Result();
        result.machine = machine("; the load generator runs in the harness JVM on the same cores");
        String connectionList = String.join(
                ",", options.connections().stream().map(String::valueOf).toList());
        int maxConnections =
                options.connections().stream().max(Integer::compare).orElseThrow();
        result.command = "bench/run checkEligibility --connections " + connectionList + " --seconds "
                + options.seconds() + " --warmup-seconds " + options.warmupSeconds() + " --rounds " + options.rounds();
        result.settings.put("connections", options.connections());
        result.settings.put("openLoopConnections", maxConnections);
        result.settings.put("secondsPerPhase", options.seconds());
        result.settings.put(
                "warmup",
                "closed loop at " + maxConnections
                        + " connections, chunks of 5 s fixed + 10 s checkEligibility, for at least "
                        + options.warmupSeconds()
                        + " s and until two checkEligibility chunks in a row are within 10 % (at most "
                        + 4 * options.warmupSeconds() + " s)");
        result.settings.put("rounds", options.rounds());
        result.settings.put(
                "app",
                "target/quarkus-app/quarkus-run.jar, APP_NAME=checkEligibility, -Xmx512m, profile local, one process for the whole run"
                        + extraAppOpts());
        result.settings.put(
                "request",
                "POST, the seed's example body ("
                        + DemoData.CHECK_ELIGIBILITY_REQUEST.getBytes(StandardCharsets.UTF_8).length
                        + " bytes), Authorization: Bearer <RS256 token of " + DemoData.INVITED_USER
                        + ">, Content-Type: application/json, keep-alive, HTTP/1.1");
        result.settings.put(
                "baseline",
                "POST /bench/fixed: REST DSL route on platform-http answering a fixed JSON (" + FIXED_ROUTE
                        + ", loaded by the same app at start: camel.main.routes-include-pattern), same request bytes apart from the path");
        result.settings.put(
                "loadGenerator",
                "bench.HttpLoad in the harness JVM: blocking sockets, one thread per connection; "
                        + "open loop latency measured from each request's due time");

        Path jfr = appJfr(CHECK + "-app");
        if (jfr != null) {
            result.settings.put("jfr", "BENCH_APP_JFR=1: the app recorded JFR from its start: " + root.relativize(jfr));
        }
        DemoData.seed(stack.standIns());
        String token = Tokens.forUser(DemoData.INVITED_USER);
        Path log = appLog(CHECK + "-app");
        Map<String, String> config = new LinkedHashMap<>(stack.appConfig());
        config.put("camel.main.routes-include-pattern", "file:" + root.resolve(FIXED_ROUTE));
        try (AppProcess app = AppProcess.start(root, appJar(), CHECK, config, log, jfr)) {
            result.app.put("startupSeconds", Stats.round(app.awaitReady(Duration.ofSeconds(180)), 2));
            result.app.put("quarkusStartedInSeconds", app.quarkusStartedIn());
            result.app.put("rssIdleMb", Stats.round(app.memoryMb("VmRSS"), 0));
            result.app.put("pid", app.pid());
            result.app.put("log", root.relativize(log).toString());
            log(
                    "checkEligibility app ready in %s s, pid %d, port %d",
                    result.app.get("startupSeconds"), app.pid(), app.httpPort());

            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Authorization", "Bearer " + token);
            headers.put("Content-Type", "application/json");
            HttpLoad.Target check = HttpLoad.Target.post(
                    CHECK, app.httpPort(), "/checkEligibility", headers, DemoData.CHECK_ELIGIBILITY_REQUEST, EXPECT);
            HttpLoad.Target fixed = HttpLoad.Target.post(
                    BASELINE, app.httpPort(), FIXED_PATH, headers, DemoData.CHECK_ELIGIBILITY_REQUEST, EXPECT);

            // the cache warm-up request, and a check that both routes answer as they should
            seedRequestOnce(result, app.httpPort(), "/checkEligibility", token, true);
            seedRequestOnce(result, app.httpPort(), FIXED_PATH, token, false);
            int campaignCallsBefore = stack.standIns().campaign().requests().size();
            result.app.put("campaignServiceCallsAfterCacheWarmUp", campaignCallsBefore);

            // warm-up: the app's JIT needs minutes on this machine (in a first run the fixed route went 2.2 k -> 4.5 k
            // -> 11 k
            // req/s and checkEligibility 0.6 k -> 1.3 k -> 2.1 k over three 10 s chunks, and checkEligibility still
            // grew
            // in round 1; in others checkEligibility sat at ~1.8 k for two chunks, then jumped to ~3 k at 70-90 s). So:
            // chunks of 5 s fixed + 10 s checkEligibility at the largest connection count, for at least S seconds
            // (default 120) and until two checkEligibility chunks in a row are within 10 % of each other (at most 4 S).
            long warmStart = System.nanoTime();
            double previous = Double.NaN;
            for (int i = 1; options.warmupSeconds() > 0; i++) {
                Phase base = measure(
                        () -> HttpLoad.closed(fixed, maxConnections, Duration.ofSeconds(5)),
                        "warmup",
                        0,
                        i,
                        fixed.name(),
                        maxConnections,
                        app);
                Phase mine = measure(
                        () -> HttpLoad.closed(check, maxConnections, Duration.ofSeconds(10)),
                        "warmup",
                        0,
                        i,
                        check.name(),
                        maxConnections,
                        app);
                result.warmup.add(base);
                result.warmup.add(mine);
                double elapsed = Stats.seconds(System.nanoTime() - warmStart);
                double rate = mine.load.requestsPerSec;
                boolean stable = Math.abs(rate - previous) <= 0.10 * Math.max(rate, previous);
                log(
                        "warm-up %d (%.0f s): baseline %.0f req/s, checkEligibility %.0f req/s (not counted)",
                        i, elapsed, base.load.requestsPerSec, rate);
                if ((elapsed >= options.warmupSeconds() && stable) || elapsed >= 4.0 * options.warmupSeconds()) {
                    result.warmupSecondsTaken = Stats.round(elapsed, 0);
                    break;
                }
                previous = rate;
            }
            Map<String, Double> idleBefore = ProcessCpu.snapshot();
            long idleStart = System.nanoTime();
            Thread.sleep(5000);
            result.appIdleCoresAfterWarmup = ProcessCpu.coresUsed(
                            idleBefore, ProcessCpu.snapshot(), Stats.seconds(System.nanoTime() - idleStart))
                    .getOrDefault("app", Double.NaN);
            log("app idle after the warm-up: %.2f cores", result.appIdleCoresAfterWarmup);

            Duration window = Duration.ofSeconds(options.seconds());
            for (int round = 1; round <= options.rounds(); round++) {
                List<HttpLoad.Target> order = round % 2 == 1 ? List.of(fixed, check) : List.of(check, fixed);
                for (int connections : options.connections()) {
                    for (int position = 0; position < order.size(); position++) {
                        HttpLoad.Target target = order.get(position);
                        Phase phase = measure(
                                () -> HttpLoad.closed(target, connections, window),
                                "peak",
                                round,
                                position + 1,
                                target.name(),
                                connections,
                                app);
                        result.phases.add(phase);
                        log(
                                "peak round %d c=%d %s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %d; app %.2f cores, load generator %.2f cores%s",
                                round,
                                connections,
                                target.name(),
                                phase.load.requestsPerSec,
                                phase.load.p50Ms,
                                phase.load.p99Ms,
                                phase.load.errors,
                                phase.coresUsed.getOrDefault("app", 0.0),
                                phase.load.loadgenCores,
                                cacheNote(phase));
                    }
                }
                for (HttpLoad.Target target : order) {
                    int r = round;
                    result.phases.stream()
                            .filter(p -> p.part.equals("peak") && p.round == r && p.target.equals(target.name()))
                            .max(java.util.Comparator.comparingDouble(p -> p.load.requestsPerSec))
                            .ifPresent(p -> p.best = true);
                }
            }
            double checkPeak = Stats.median(bestPeaks(result, CHECK));
            double rate = Math.max(1, Math.round(checkPeak / 2));
            result.halfLoadRate = rate;
            log(
                    "half load: %.0f req/s (half of the median checkEligibility peak %.0f req/s) for both routes",
                    rate, checkPeak);
            for (int round = 1; round <= options.rounds(); round++) {
                List<HttpLoad.Target> order = round % 2 == 1 ? List.of(fixed, check) : List.of(check, fixed);
                for (int position = 0; position < order.size(); position++) {
                    HttpLoad.Target target = order.get(position);
                    Phase phase = measure(
                            () -> HttpLoad.open(target, maxConnections, rate, window),
                            "halfLoad",
                            round,
                            position + 1,
                            target.name(),
                            maxConnections,
                            app);
                    result.phases.add(phase);
                    log(
                            "half load round %d %s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, late sends %d, errors %d; app %.2f cores, load generator %.2f cores%s",
                            round,
                            target.name(),
                            phase.load.requestsPerSec,
                            phase.load.p50Ms,
                            phase.load.p99Ms,
                            phase.load.p999Ms,
                            phase.load.lateSends,
                            phase.load.errors,
                            phase.coresUsed.getOrDefault("app", 0.0),
                            phase.load.loadgenCores,
                            cacheNote(phase));
                }
            }
            int campaignCallsAfter = stack.standIns().campaign().requests().size();
            result.app.put("campaignServiceCallsDuringLoad", campaignCallsAfter - campaignCallsBefore);
            if (campaignCallsAfter != campaignCallsBefore) {
                result.problems.add((campaignCallsAfter - campaignCallsBefore)
                        + " campaign-service calls during the load: not all cache hits");
            }
            result.app.put("rssAfterLoadMb", Stats.round(app.memoryMb("VmRSS"), 0));
            result.app.put("peakRssMb", Stats.round(app.memoryMb("VmHWM"), 0));
            if (!app.isAlive()) {
                result.problems.add("the app died during the run");
            }
        }
        AppProcess.LogLevels levels = AppProcess.LogLevels.of(log);
        result.app.put("logWarnings", levels.warnings());
        result.app.put("logErrors", levels.errors());
        if (levels.errors() > 0) {
            result.problems.add(levels.errors() + " ERROR lines in " + root.relativize(log));
        }
        for (Phase phase : result.phases) {
            String which = phase.part + " round " + phase.round + " c=" + phase.connections + " " + phase.target + ": ";
            if (phase.load.errors > 0) {
                result.problems.add(which + phase.load.errors + " errors " + phase.load.errorKinds + ", first: "
                        + phase.load.firstError);
            }
            if (phase.cacheFailures > 0 || phase.campaignCalls > 0) {
                result.problems.add(which + phase.cacheFailures + " refused cache reads, " + phase.campaignCalls
                        + " campaign-service calls: not only cache hits");
            }
        }
        summarize(result);
        result.allCorrect = result.problems.isEmpty();
        return result;
    }

    private interface Load {
        HttpLoad.Result run() throws Exception;
    }

    private Phase measure(
            Load load, String part, int round, int position, String target, int connections, AppProcess app)
            throws Exception {
        Thread.sleep(1000); // let the previous phase's connections close and the app settle
        long logFrom = Files.size(app.log());
        int campaignCallsFrom = stack.standIns().campaign().requests().size();
        AppProcess.KernelCounters kernelBefore = app.kernelCounters();
        // the window of the CPU counters includes the connection set-up (50 ms) and the drain of the last answers
        CpuWindow cpu = CpuWindow.open(app, null);
        long startedAtEpochMs = System.currentTimeMillis();
        HttpLoad.Result result = load.run();
        long endedAtEpochMs = System.currentTimeMillis();
        CpuWindow.Used used = cpu.close();
        AppProcess.KernelCounters kernelAfter = app.kernelCounters();
        if (!app.isAlive()) {
            throw new IllegalStateException("the app died; log " + app.log() + "\n" + app.logTail(30));
        }
        Phase phase = new Phase();
        phase.part = part;
        phase.round = round;
        phase.position = position;
        phase.target = target;
        phase.connections = connections;
        phase.startedAtEpochMs = startedAtEpochMs;
        phase.endedAtEpochMs = endedAtEpochMs;
        phase.load = result;
        phase.campaignCalls = stack.standIns().campaign().requests().size() - campaignCallsFrom;
        phase.cacheFailures = countFrom(app.log(), logFrom, "Campaign cache unavailable");
        phase.cpu(used);
        phase.appCpuMsPerRequest =
                result.requests == 0 ? Double.NaN : Stats.round(used.appCpuSeconds() * 1000 / result.requests, 3);
        double user = kernelAfter.userSeconds() - kernelBefore.userSeconds();
        double system = kernelAfter.systemSeconds() - kernelBefore.systemSeconds();
        phase.appSystemCpuShare = Stats.round(system / (user + system), 2);
        phase.appContextSwitchesPerRequest = result.requests == 0
                ? Double.NaN
                : Stats.round((double) kernelAfter.switchesSince(kernelBefore) / result.requests, 2);
        return phase;
    }

    private void seedRequestOnce(Result result, int port, String path, String token, boolean exact) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(DemoData.CHECK_ELIGIBILITY_REQUEST))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        boolean ok = response.statusCode() == 200
                && (exact
                        ? JSON.readTree(response.body()).equals(JSON.readTree(DemoData.CHECK_ELIGIBILITY_RESPONSE))
                        : response.body().contains(EXPECT));
        result.app.put("firstAnswer " + path, response.statusCode() + " " + response.body());
        if (!ok) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + " " + response.body()
                    + (exact ? "; expected the seed's success response " + DemoData.CHECK_ELIGIBILITY_RESPONSE : ""));
        }
    }

    /** Each round's peak of a target: its best closed-loop rate over the connection counts. */
    private static List<Double> bestPeaks(Result result, String target) {
        return values(result, "peak", target, p -> p.load.requestsPerSec);
    }

    /** A value of the phases of one part and target; for "peak" only the best phase of each round. */
    private static List<Double> values(
            Result result, String part, String target, java.util.function.Function<Phase, Double> value) {
        return result.phases.stream()
                .filter(p -> p.part.equals(part) && p.target.equals(target) && (!part.equals("peak") || p.best))
                .map(value)
                .toList();
    }

    private static String cacheNote(Phase phase) {
        return phase.cacheFailures == 0 && phase.campaignCalls == 0
                ? ""
                : "; NOT ONLY CACHE HITS: " + phase.cacheFailures + " refused cache reads, " + phase.campaignCalls
                        + " campaign calls";
    }

    /** Lines containing {@code needle} in the file after byte offset {@code from}. */
    private static long countFrom(Path file, long from, String needle) throws IOException {
        long count = 0;
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "r")) {
            raf.seek(from);
            try (BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(
                    java.nio.channels.Channels.newInputStream(raf.getChannel()), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.contains(needle)) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static void summarize(Result result) {
        for (String part : List.of("peak", "halfLoad")) {
            for (String target : List.of(CHECK, BASELINE)) {
                String prefix = part + "." + target + ".";
                result.medians.put(
                        prefix + "requestsPerSec",
                        Stats.round(Stats.median(values(result, part, target, p -> p.load.requestsPerSec)), 0));
                result.medians.put(
                        prefix + "p50Ms",
                        Stats.round(Stats.median(values(result, part, target, p -> p.load.p50Ms)), 3));
                result.medians.put(
                        prefix + "p99Ms",
                        Stats.round(Stats.median(values(result, part, target, p -> p.load.p99Ms)), 3));
                result.medians.put(
                        prefix + "p999Ms",
                        Stats.round(Stats.median(values(result, part, target, p -> p.load.p999Ms)), 3));
                result.medians.put(
                        prefix + "appCores",
                        Stats.round(
                                Stats.median(
                                        values(result, part, target, p -> p.coresUsed.getOrDefault("app", Double.NaN))),
                                2));
                result.medians.put(
                        prefix + "appCpuMsPerRequest",
                        Stats.round(Stats.median(values(result, part, target, p -> p.appCpuMsPerRequest)), 3));
                result.medians.put(
                        prefix + "appJitCompilerCores",
                        Stats.round(
                                Stats.median(values(
                                        result,
                                        part,
                                        target,
                                        p -> p.appCoresByThreadKind.getOrDefault("JIT compiler", 0.0))),
                                2));
                result.medians.put(
                        prefix + "appGcCores",
                        Stats.round(
                                Stats.median(values(
                                        result, part, target, p -> p.appCoresByThreadKind.getOrDefault("GC", 0.0))),
                                2));
                result.medians.put(
                        prefix + "appSystemCpuShare",
                        Stats.round(Stats.median(values(result, part, target, p -> p.appSystemCpuShare)), 2));
                result.medians.put(
                        prefix + "appContextSwitchesPerRequest",
                        Stats.round(
                                Stats.median(values(result, part, target, p -> p.appContextSwitchesPerRequest)), 2));
                result.medians.put(
                        prefix + "loadgenCores",
                        Stats.round(Stats.median(values(result, part, target, p -> p.load.loadgenCores)), 2));
                result.medians.put(
                        prefix + "benchJvmCores",
                        Stats.round(
                                Stats.median(values(
                                        result, part, target, p -> p.coresUsed.getOrDefault("bench", Double.NaN))),
                                2));
                result.medians.put(
                        prefix + "redisCores",
                        Stats.round(
                                Stats.median(values(
                                        result, part, target, p -> p.coresUsed.getOrDefault("redis", Double.NaN))),
                                2));
                result.medians.put(
                        prefix + "machineBusy",
                        Stats.round(Stats.median(values(result, part, target, p -> p.machineBusy)), 2));
            }
        }
        for (String target : List.of(CHECK, BASELINE)) {
            result.medians.put(
                    "peak." + target + ".bestConnectionsPerRound",
                    result.phases.stream()
                            .filter(p -> p.part.equals("peak") && p.best && p.target.equals(target))
                            .map(p -> p.connections)
                            .toList());
        }
        List<Integer> counts = result.phases.stream()
                .filter(p -> p.part.equals("peak"))
                .map(p -> p.connections)
                .distinct()
                .toList();
        for (int c : counts) {
            double check = Stats.median(result.phases.stream()
                    .filter(p -> p.part.equals("peak") && p.connections == c && p.target.equals(CHECK))
                    .map(p -> p.load.requestsPerSec)
                    .toList());
            double base = Stats.median(result.phases.stream()
                    .filter(p -> p.part.equals("peak") && p.connections == c && p.target.equals(BASELINE))
                    .map(p -> p.load.requestsPerSec)
                    .toList());
            result.medians.put(
                    "peakAt" + c + "Connections",
                    Map.of(
                            CHECK,
                            Stats.round(check, 0),
                            BASELINE,
                            Stats.round(base, 0),
                            "ratio",
                            Stats.round(check / base, 3)));
        }
        double checkPeak = Stats.median(values(result, "peak", CHECK, p -> p.load.requestsPerSec));
        double basePeak = Stats.median(values(result, "peak", BASELINE, p -> p.load.requestsPerSec));
        List<Double> roundRatios = new ArrayList<>();
        for (Phase phase : result.phases) {
            if (phase.part.equals("peak") && phase.target.equals(CHECK)) {
                result.phases.stream()
                        .filter(p -> p.part.equals("peak") && p.target.equals(BASELINE) && p.round == phase.round)
                        .findFirst()
                        .ifPresent(b -> roundRatios.add(phase.load.requestsPerSec / b.load.requestsPerSec));
            }
        }
        double ratio = checkPeak / basePeak;
        double halfP99 = Stats.median(values(result, "halfLoad", CHECK, p -> p.load.p99Ms));
        result.medians.put("peakRatioCheckToBaseline", Stats.round(ratio, 3));
        result.medians.put("medianOfRoundRatios", Stats.round(Stats.median(roundRatios), 3));
        result.goals.put(
                "peak ratio checkEligibility/baseline >= " + GOAL_RATIO,
                (ratio >= GOAL_RATIO ? "MET" : "MISSED") + " (" + Stats.round(ratio, 2) + ")");
        result.goals.put(
                "checkEligibility p99 at half of its peak < " + GOAL_HALF_LOAD_P99_MS + " ms",
                (halfP99 < GOAL_HALF_LOAD_P99_MS ? "MET" : "MISSED") + " (" + Stats.round(halfP99, 2) + " ms at "
                        + Stats.round(result.halfLoadRate, 0) + " req/s)");
    }

    @Override
    public String table(Result result) {
        StringBuilder out = new StringBuilder(result.header("checkEligibility (cache hit) vs baseline POST "
                + FIXED_PATH + " (" + FIXED_ROUTE + "), same app and run"));
        out.append(String.format(
                "peak: closed loop at %s connections, a target's peak = its best (*); half load: open loop at %.0f req/s "
                        + "on %s connections (latency from the due time)%n",
                result.settings.get("connections"), result.halfLoadRate, result.settings.get("openLoopConnections")));
        out.append(String.format(
                "%-8s %-5s %-16s %3s %4s %8s %8s %8s %8s %8s %8s %6s %5s %6s %8s %4s %5s %6s %6s %5s%n",
                "part",
                "round",
                "target",
                "pos",
                "conn",
                "req/s",
                "p50 ms",
                "p99 ms",
                "p99.9 ms",
                "max ms",
                "late",
                "errors",
                "miss",
                "app",
                "app ms/r",
                "sys",
                "cs/r",
                "loadgen",
                "bench",
                "busy"));
        List<Phase> all = new ArrayList<>(result.warmup);
        all.addAll(result.phases);
        for (Phase phase : all) {
            HttpLoad.Result load = phase.load;
            out.append(String.format(
                    "%-8s %-5d %-16s %3d %4s %8.0f %8.2f %8.2f %8.2f %8.2f %8s %6d %5d %6.2f %8.3f %3.0f%% %5.1f %6.2f %6.2f %4.0f%%%n",
                    phase.part,
                    phase.round,
                    phase.target,
                    phase.position,
                    phase.connections + (phase.best ? "*" : ""),
                    load.requestsPerSec,
                    load.p50Ms,
                    load.p99Ms,
                    load.p999Ms,
                    load.maxMs,
                    load.lateSends == null ? "-" : load.lateSends.toString(),
                    load.errors,
                    phase.cacheFailures + phase.campaignCalls,
                    phase.coresUsed.getOrDefault("app", 0.0),
                    phase.appCpuMsPerRequest,
                    phase.appSystemCpuShare * 100,
                    phase.appContextSwitchesPerRequest,
                    load.loadgenCores,
                    phase.coresUsed.getOrDefault("bench", 0.0),
                    phase.machineBusy * 100));
        }
        out.append(
                "miss = refused cache reads + campaign-service calls in the phase; app / loadgen / bench = cores used by the app JVM / by the\n"
                        + "generator's threads / by the whole harness JVM (generator included); app ms/r = app CPU per answered request;\n"
                        + "sys = share of the app's CPU spent in the kernel; cs/r = context switches of the app's threads per answered request\n");
        out.append(String.format(
                "warm-up %.0f s; app idle after it: %.2f cores%n",
                result.warmupSecondsTaken, result.appIdleCoresAfterWarmup));
        out.append("app: ").append(result.app).append('\n');
        out.append("medians:\n");
        result.medians.forEach((key, value) -> out.append(String.format("  %-42s %s%n", key, value)));
        out.append("goals:\n");
        result.goals.forEach((key, value) -> out.append(String.format("  %-50s %s%n", key, value)));
        out.append("valid (no error answer, only cache hits, no ERROR in the app log): ")
                .append(result.allCorrect)
                .append(result.problems.isEmpty() ? "" : " " + result.problems)
                .append('\n');
        return out.toString();
    }
}
