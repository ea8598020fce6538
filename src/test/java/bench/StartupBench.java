package bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import localstack.LocalStack;

/**
 * Start-up and idle memory of the packaged app per stack, as its container runs it: the Dockerfile's JAVA_OPTS, the
 * Deployments' JAVA_OPTS_APPEND, and what the JVM would read from the pod's limits (k8s/base/deployments.yaml) given
 * as {@code -XX:ActiveProcessorCount} and {@code -XX:MaxRAM}; a CPU limit below this machine's cores pins the app to
 * that many (taskset), so that it gets no more CPU than the pod would; with the AOT caches the image trains
 * ({@code docker/aot-train.sh}, trained here the same way: one per stack, one of all workers for the other
 * selections) and, for comparison, without one. Each selection (every
 * stack, checkEligibility alone, all workers) starts R times (default 3) against the running local stack, one at a
 * time, the machine otherwise quiet. Measured: launch to {@code /q/health/ready} = 200, Quarkus' own "started in",
 * the CPU the JVM's live threads used until ready (of it the JIT compilers'), RSS 3 s after ready and idle RSS, 10 s
 * after ready: by then the JVM has handed back the arenas its JIT compilers used while the app started (it frees
 * pooled arenas every 5 s). Goals (issue 16), judged on the starts with the cache, as the image runs: every stack
 * ready in at most 2 s and idle at most 200 MB RSS (a pod runs one stack), all workers ready in at most 3 s; the
 * medians count.
 */
final class StartupBench extends StackBenchmark<StartupBench.Result> {

    static final String NAME = "startup";
    static final int DEFAULT_REPEATS = 3;
    static final String USAGE = "  startup:          [--repeats R (default " + DEFAULT_REPEATS + ")]"
            + " (BENCH_POD_CPUS=N: as if the pods' CPU limit were N)";
    static final double STACK_GOAL_SECONDS = 2.0;
    static final double ALL_GOAL_SECONDS = 3.0;
    static final double RSS_GOAL_MB = 200;
    private static final Pattern POD_LIMITS = Pattern.compile("limits: \\{ cpu: \"?([0-9.]+)\"?, memory: (\\d+)Mi \\}");
    private static final Pattern JAVA_OPTS = Pattern.compile("JAVA_OPTS=\"([^\"]*)\"");
    private static final Pattern JAVA_OPTS_APPEND =
            Pattern.compile("name: JAVA_OPTS_APPEND\\s+value: >-\\s*\\n((?:[ \\t]+-\\S.*\\n)+)");
    private static final Duration AFTER_READY = Duration.ofSeconds(3);
    private static final Duration IDLE = Duration.ofSeconds(10);

    /** APP_STACK or APP_NAME and its value; null selection = every worker. */
    private record Selection(String variable, String value) {
        String label() {
            return variable == null ? "all workers" : variable + "=" + value;
        }

        /** One stack, as a pod runs it: it has an AOT cache of its own and the RSS goal applies. */
        boolean isStack() {
            return "APP_STACK".equals(variable);
        }
    }

    private static final List<Selection> SELECTIONS = List.of(
            new Selection("APP_STACK", "registration"),
            new Selection("APP_STACK", "replication"),
            new Selection("APP_STACK", "selection"),
            new Selection("APP_STACK", "dataPipeline"),
            new Selection("APP_STACK", "notification"),
            new Selection("APP_NAME", "checkEligibility"),
            new Selection(null, null));

    static Options parse(String[] args) {
        int repeats = DEFAULT_REPEATS;
        for (int i = 1; i < args.length; i++) {
            if (!args[i].equals("--repeats") || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "' for " + NAME + "\n" + USAGE);
            }
            repeats = Integer.parseInt(args[++i]);
        }
        if (repeats <= 0) {
            throw new IllegalArgumentException("--repeats must be positive");
        }
        return new Options(NAME, 0, repeats, 0, 2, 2, Options.DEFAULT_CONNECTIONS, Options.DEFAULT_SECONDS, 0);
    }

    static final class Start {
        public double readySeconds;
        public double quarkusStartedIn;
        public double rssAfterReadyMb;
        public double rssIdleMb;
        public double cpuToReadySeconds;
        public double jitCpuToReadySeconds;
    }

    static final class Row {
        public String selection;
        public boolean aotCache;
        public List<Start> starts = new ArrayList<>();
        public double medianReadySeconds;
        public double medianQuarkusStartedIn;
        public double medianRssAfterReadyMb;
        public double medianRssIdleMb;
        public double medianCpuToReadySeconds;
        public double medianJitCpuToReadySeconds;
        public double goalSeconds;
        public boolean readyGoalMet;
        public boolean rssGoalMet;
    }

    static final class Result extends Benchmark.Result {
        public String javaVersion;
        public List<String> jvmOptions;
        public int podCpus;
        public boolean pinned;
        public String aotCache;
        public double aotTrainingSeconds;
        public List<Row> rows = new ArrayList<>();
        public boolean goalMet;
        public List<String> problems = new ArrayList<>();
    }

    StartupBench(Options options, Path root, LocalStack stack) {
        super(options, root, stack);
    }

    @Override
    public Result run() throws Exception {
        Result result = new Result();
        result.machine = machine("; the local servers idle beside it");
        result.command = "bench/run " + NAME + " --repeats " + options.rounds();
        result.javaVersion = Runtime.version().toString();
        result.jvmOptions = new ArrayList<>(containerJavaOpts());
        result.jvmOptions.addAll(deploymentJavaOptsAppend());
        PodLimits limits = podLimits();
        result.podCpus = limits.cpus();
        result.pinned = limits.cpus() < Runtime.getRuntime().availableProcessors();
        result.jvmOptions.add("-XX:ActiveProcessorCount=" + limits.cpus());
        result.jvmOptions.add("-XX:MaxRAM=" + limits.memoryMib() + "m");
        result.settings.put(
                "cpu",
                "the pods' CPU limit, " + limits.cpus()
                        + (result.pinned
                                ? ": the app pinned to " + limits.cpus() + " core(s) (taskset)"
                                : ": every core of this machine"));
        result.settings.put("jvm", result.jvmOptions + extraAppOpts());
        result.settings.put("ready", "launch to /q/health/ready = 200, polled every 25 ms");
        result.settings.put(
                "rss",
                "VmRSS of the app JVM " + AFTER_READY.toSeconds() + " s after ready, and idle: " + IDLE.toSeconds()
                        + " s after ready");
        Path caches = root.resolve("target/bench/aot");
        long training = System.nanoTime();
        Map<Selection, Path> cacheOf = trainAotCaches(result.jvmOptions, caches);
        result.aotTrainingSeconds = Stats.round((System.nanoTime() - training) / 1e9, 1);
        result.aotCache = caches + ": "
                + cacheOf.values().stream()
                        .distinct()
                        .map(c -> c.getFileName() + " " + sizeMb(c) + " MB")
                        .toList() + " (docker/aot-train.sh)";
        result.goalMet = true;
        for (boolean withCache : List.of(false, true)) {
            for (Selection selection : SELECTIONS) {
                List<String> jvm = new ArrayList<>(result.jvmOptions);
                if (withCache) {
                    jvm.add(0, "-XX:AOTCache=" + cacheOf.get(selection));
                }
                Row row = measure(selection, withCache, jvm, result.pinned ? result.podCpus : 0);
                row.readyGoalMet = row.medianReadySeconds <= row.goalSeconds;
                row.rssGoalMet = !selection.isStack() || row.medianRssIdleMb <= RSS_GOAL_MB;
                if (withCache) {
                    result.goalMet &= row.readyGoalMet && row.rssGoalMet;
                }
                result.rows.add(row);
                String label = row.selection + (withCache ? " (AOT cache)" : "");
                result.medians.put(label + " ready s", row.medianReadySeconds);
                result.medians.put(label + " idle RSS MB", row.medianRssIdleMb);
                log(
                        "%s: %s ready in %.2f s (median of %d), RSS %.0f MB",
                        NAME, label, row.medianReadySeconds, row.starts.size(), row.medianRssIdleMb);
            }
        }
        result.allCorrect = result.problems.isEmpty();
        return result;
    }

    private Row measure(Selection selection, boolean withCache, List<String> jvm, int pinnedCpus) throws Exception {
        Row row = new Row();
        row.selection = selection.label();
        row.aotCache = withCache;
        row.goalSeconds = selection.variable() == null ? ALL_GOAL_SECONDS : STACK_GOAL_SECONDS;
        for (int i = 1; i <= options.rounds(); i++) {
            Path log = appLog(NAME + "-" + (selection.value() == null ? "all" : selection.value())
                    + (withCache ? "-aot-" : "-") + i);
            try (AppProcess app = AppProcess.startWith(
                    root, appJar(), jvm, pinnedCpus, selection.variable(), selection.value(), stack.appConfig(), log)) {
                Start start = new Start();
                start.readySeconds = Stats.round(app.awaitReady(Duration.ofSeconds(120)), 2);
                Map<String, Double> cpu = app.cpuByThreadKind();
                start.cpuToReadySeconds = Stats.round(
                        cpu.values().stream().mapToDouble(Double::doubleValue).sum(), 2);
                start.jitCpuToReadySeconds = Stats.round(cpu.getOrDefault("JIT compiler", 0.0), 2);
                Thread.sleep(AFTER_READY.toMillis());
                start.quarkusStartedIn = app.quarkusStartedIn();
                start.rssAfterReadyMb = Stats.round(app.memoryMb("VmRSS"), 0);
                Thread.sleep(IDLE.minus(AFTER_READY).toMillis());
                start.rssIdleMb = Stats.round(app.memoryMb("VmRSS"), 0);
                row.starts.add(start);
            }
            if (withCache && Files.readString(log).contains("[aot]")) {
                throw new IllegalStateException("the JVM did not take the AOT cache; see " + log);
            }
        }
        row.medianReadySeconds = median(row.starts.stream().map(s -> s.readySeconds));
        row.medianQuarkusStartedIn = median(row.starts.stream().map(s -> s.quarkusStartedIn));
        row.medianRssAfterReadyMb = median(row.starts.stream().map(s -> s.rssAfterReadyMb));
        row.medianRssIdleMb = median(row.starts.stream().map(s -> s.rssIdleMb));
        row.medianCpuToReadySeconds = median(row.starts.stream().map(s -> s.cpuToReadySeconds));
        row.medianJitCpuToReadySeconds = median(row.starts.stream().map(s -> s.jitCpuToReadySeconds));
        return row;
    }

    /**
     * The image's AOT caches, trained as the Dockerfile trains them: docker/aot-train.sh with the same JVM flags, one
     * cache per stack and one of all workers for every other selection; the entrypoint picks them the same way.
     */
    private Map<Selection, Path> trainAotCaches(List<String> jvm, Path dir) throws Exception {
        Path ofAll = dir.resolve("app.aot");
        trainAotCache(jvm, ofAll, null);
        Map<Selection, Path> cacheOf = new LinkedHashMap<>();
        for (Selection selection : SELECTIONS) {
            if (selection.isStack()) {
                Path ofStack = dir.resolve("app-" + selection.value() + ".aot");
                trainAotCache(jvm, ofStack, selection.value());
                cacheOf.put(selection, ofStack);
            } else {
                cacheOf.put(selection, ofAll);
            }
        }
        return cacheOf;
    }

    private static long sizeMb(Path file) {
        try {
            return Files.size(file) / (1024 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void trainAotCache(List<String> jvm, Path cache, String stack) throws Exception {
        Files.createDirectories(cache.getParent());
        List<String> command = new ArrayList<>(List.of(
                "bash",
                root.resolve("docker/aot-train.sh").toString(),
                root.resolve("target/quarkus-app").toString(),
                cache.toString()));
        command.addAll(jvm);
        ProcessBuilder training = new ProcessBuilder(command).redirectErrorStream(true);
        training.environment().remove("APP_NAME");
        training.environment().remove("APP_STACK");
        if (stack != null) {
            training.environment().put("APP_STACK", stack);
        }
        training.environment()
                .put(
                        "JAVA",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process process = training.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0 || !Files.isRegularFile(cache)) {
            throw new IllegalStateException("docker/aot-train.sh failed:\n" + output);
        }
    }

    private record PodLimits(int cpus, long memoryMib) {}

    /**
     * The Deployments' limits (k8s/base/deployments.yaml; every stack's are the same): the JVM sees them as its CPU
     * count and memory, and a CPU limit below this machine's cores pins the app to that many. BENCH_POD_CPUS
     * overrides the CPU limit, to compare.
     */
    private PodLimits podLimits() throws IOException {
        Matcher limits = POD_LIMITS.matcher(Files.readString(root.resolve("k8s/base/deployments.yaml")));
        if (!limits.find()) {
            throw new IllegalStateException("no limits: { cpu: ..., memory: ...Mi } in k8s/base/deployments.yaml");
        }
        String cpus = System.getenv().getOrDefault("BENCH_POD_CPUS", limits.group(1));
        return new PodLimits((int) Math.ceil(Double.parseDouble(cpus)), Long.parseLong(limits.group(2)));
    }

    /** The Deployments' JAVA_OPTS_APPEND (k8s/base/deployments.yaml; every stack's is the same): the pod's sizing. */
    private List<String> deploymentJavaOptsAppend() throws IOException {
        Matcher append = JAVA_OPTS_APPEND.matcher(Files.readString(root.resolve("k8s/base/deployments.yaml")));
        if (!append.find()) {
            throw new IllegalStateException("no JAVA_OPTS_APPEND in k8s/base/deployments.yaml");
        }
        return List.of(append.group(1).trim().split("\\s+"));
    }

    /** The Dockerfile's JAVA_OPTS: what the image starts the JVM with. */
    private List<String> containerJavaOpts() throws IOException {
        Matcher opts = JAVA_OPTS.matcher(Files.readString(root.resolve("Dockerfile")));
        if (!opts.find()) {
            throw new IllegalStateException("no JAVA_OPTS=\"...\" in the Dockerfile");
        }
        return List.of(opts.group(1).trim().split("\\s+"));
    }

    private static double median(java.util.stream.Stream<Double> values) {
        List<Double> sorted = values.sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : Stats.round((sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2, 2);
    }

    @Override
    public String table(Result result) {
        StringBuilder out = new StringBuilder(result.header(NAME + ": ready time and idle RSS per selection"));
        out.append("java ")
                .append(result.javaVersion)
                .append("; JVM options ")
                .append(result.jvmOptions)
                .append('\n')
                .append("AOT cache ")
                .append(result.aotCache)
                .append(", trained in ")
                .append(result.aotTrainingSeconds)
                .append(" s\n");
        out.append("CPU: ").append(result.settings.get("cpu")).append('\n');
        out.append(String.format(
                "%-28s %5s %9s %12s %14s %12s %8s %6s  %s%n",
                "selection",
                "AOT",
                "ready s",
                "started in s",
                "CPU s (JIT)",
                "RSS MB +3 s",
                "idle MB",
                "goal",
                "each start (ready/idle RSS)"));
        for (Row row : result.rows) {
            out.append(String.format(
                    "%-28s %5s %9.2f %12.2f %14s %12.0f %8.0f %6s  %s%n",
                    row.selection,
                    row.aotCache ? "yes" : "no",
                    row.medianReadySeconds,
                    row.medianQuarkusStartedIn,
                    String.format("%.2f (%.2f)", row.medianCpuToReadySeconds, row.medianJitCpuToReadySeconds),
                    row.medianRssAfterReadyMb,
                    row.medianRssIdleMb,
                    row.readyGoalMet && row.rssGoalMet ? "met" : "NOT",
                    row.starts.stream()
                            .map(s -> String.format("%.2f s/%.0f MB", s.readySeconds, s.rssIdleMb))
                            .toList()));
        }
        out.append(String.format(
                "goal (with the AOT caches, as the image runs): each stack ready <= %.1f s and idle RSS <= %.0f MB,"
                        + " all workers ready <= %.1f s (medians): %s%n",
                STACK_GOAL_SECONDS, RSS_GOAL_MB, ALL_GOAL_SECONDS, result.goalMet ? "met" : "NOT met"));
        return out.toString();
    }
}
