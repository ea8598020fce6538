package bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged app (target/quarkus-app/quarkus-run.jar) as a child JVM, configured like the local run
 * (profile local, CONFIG_ENV=local, the stack's addresses as -D flags) but with one worker selected (APP_NAME),
 * -Xmx512m, and free HTTP and Jolokia ports. It runs under local/child-watchdog.sh, so it dies with the benchmark
 * even if the benchmark JVM is killed.
 */
final class AppProcess implements AutoCloseable {

    private static final Pattern STARTED_IN = Pattern.compile("\\(powered by Quarkus [^)]*\\) started in ([0-9.]+)s");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Process watchdog;
    private final ProcessHandle jvm;
    private final Path log;
    private final int httpPort;
    private final int jolokiaPort;
    private final long launchedAt;
    private double httpUpSeconds = Double.NaN;
    private String lastNotReady;

    private AppProcess(Process watchdog, ProcessHandle jvm, Path log, int httpPort, int jolokiaPort, long launchedAt) {
        this.watchdog = watchdog;
        this.jvm = jvm;
        this.log = log;
        this.httpPort = httpPort;
        this.jolokiaPort = jolokiaPort;
        this.launchedAt = launchedAt;
    }

    /** The benchmarks' app JVM flags, but for the start-up benchmark's container settings. */
    private static final List<String> DEFAULT_JVM = List.of("-Xmx512m");

    /** The packaged app below the project root: target/quarkus-app/quarkus-run.jar. */
    static Path jar(Path projectRoot) {
        return projectRoot.resolve("target/quarkus-app/quarkus-run.jar");
    }

    static AppProcess start(Path projectRoot, Path appJar, String worker, Map<String, String> appConfig, Path log)
            throws Exception {
        return start(projectRoot, appJar, worker, appConfig, log, null);
    }

    /**
     * Like {@link #start(Path, Path, String, Map, Path)}; with {@code jfr} not null the app records a JFR profile
     * (settings=profile) from its start, written to that file when it stops. Recording from the start, rather than
     * starting a recording in the warm JVM, keeps the JIT's work intact: a JFR.start per phase cut the fixed route
     * from about 11 k to 1-4 k req/s in a trial.
     */
    static AppProcess start(
            Path projectRoot, Path appJar, String worker, Map<String, String> appConfig, Path log, Path jfr)
            throws Exception {
        return launch(projectRoot, appJar, DEFAULT_JVM, "local", "APP_NAME", worker, appConfig, log, jfr, 0);
    }

    /** One worker in another profile than local (CONFIG_ENV = the profile), as a deployed pod runs it. */
    static AppProcess startInProfile(
            Path projectRoot, Path appJar, String profile, String worker, Map<String, String> appConfig, Path log)
            throws Exception {
        return launch(projectRoot, appJar, DEFAULT_JVM, profile, "APP_NAME", worker, appConfig, log, null, 0);
    }

    /** Like {@link #start(Path, Path, String, Map, Path, Path)}, with one whole stack selected (APP_STACK) instead of one worker. */
    static AppProcess startStack(
            Path projectRoot, Path appJar, String stack, Map<String, String> appConfig, Path log, Path jfr)
            throws Exception {
        return launch(projectRoot, appJar, DEFAULT_JVM, "local", "APP_STACK", stack, appConfig, log, jfr, 0);
    }

    /**
     * The app as its container starts it ({@code jvmOptions} instead of -Xmx512m, say the Dockerfile's JAVA_OPTS), in
     * profile local; {@code selection} APP_NAME or APP_STACK, or null for every worker.
     */
    static AppProcess startWith(
            Path projectRoot,
            Path appJar,
            List<String> jvmOptions,
            String selection,
            String selected,
            Map<String, String> appConfig,
            Path log)
            throws Exception {
        return startWith(projectRoot, appJar, jvmOptions, 0, selection, selected, appConfig, log);
    }

    /**
     * Like {@link #startWith(Path, Path, List, String, String, Map, Path)}; with {@code cpus} above 0 the app runs
     * pinned to that many cores (taskset), as a pod's CPU limit holds it to that much CPU time.
     */
    static AppProcess startWith(
            Path projectRoot,
            Path appJar,
            List<String> jvmOptions,
            int cpus,
            String selection,
            String selected,
            Map<String, String> appConfig,
            Path log)
            throws Exception {
        return launch(projectRoot, appJar, jvmOptions, "local", selection, selected, appConfig, log, null, cpus);
    }

    /** {@code selection} is APP_NAME or APP_STACK (the app refuses both at once, so the other is removed), or null. */
    private static AppProcess launch(
            Path projectRoot,
            Path appJar,
            List<String> jvmOptions,
            String profile,
            String selection,
            String selected,
            Map<String, String> appConfig,
            Path log,
            Path jfr,
            int pinnedCpus)
            throws Exception {
        if (!Files.isRegularFile(appJar)) {
            throw new IllegalStateException(appJar + " is missing: build with ./mvnw -B -q package -DskipTests");
        }
        Files.createDirectories(log.getParent());
        int httpPort = freePort();
        List<String> command = new ArrayList<>();
        if (pinnedCpus > 0) {
            command.addAll(List.of("taskset", "-c", "0-" + (pinnedCpus - 1)));
        }
        command.addAll(List.of(
                "bash",
                projectRoot.resolve("local/child-watchdog.sh").toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-Dquarkus.profile=" + profile);
        appConfig.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-Dquarkus.http.port=" + httpPort);
        int jolokiaPort = freePort();
        while (jolokiaPort == httpPort) { // neither is bound yet: the OS may hand out the same free port twice
            jolokiaPort = freePort();
        }
        command.add("-Djolokia.port=" + jolokiaPort);
        if (jfr != null) {
            Files.createDirectories(jfr.getParent());
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + jfr.toAbsolutePath());
        }
        String extra = System.getenv("BENCH_APP_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.add("-jar");
        command.add(appJar.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(projectRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("CONFIG_ENV", profile);
        builder.environment().remove("APP_NAME");
        builder.environment().remove("APP_STACK");
        if (selection != null) {
            builder.environment().put(selection, selected);
        }
        long launchedAt = System.nanoTime();
        Process watchdog = builder.start();
        ProcessHandle jvm = findJvm(watchdog);
        return new AppProcess(watchdog, jvm, log, httpPort, jolokiaPort, launchedAt);
    }

    /** The JVM the watchdog started (its child running java). */
    private static ProcessHandle findJvm(Process watchdog) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> java = watchdog.toHandle()
                    .children()
                    .filter(child ->
                            child.info().command().map(c -> c.endsWith("/java")).orElse(false))
                    .findFirst();
            if (java.isPresent()) {
                return java.get();
            }
            if (!watchdog.isAlive()) {
                throw new IllegalStateException("the app's watchdog exited with " + watchdog.exitValue());
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the app's JVM did not appear under its watchdog");
    }

    /** Waits for /q/health/ready = 200; returns seconds from launch to then. */
    double awaitReady(Duration timeout) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!jvm.isAlive()) {
                throw new IllegalStateException("the app exited during start-up; log: " + log + "\n" + logTail(30));
            }
            try {
                HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (Double.isNaN(httpUpSeconds)) {
                    httpUpSeconds = Stats.seconds(System.nanoTime() - launchedAt);
                }
                if (response.statusCode() == 200) {
                    return Stats.seconds(System.nanoTime() - launchedAt);
                }
                lastNotReady = response.statusCode() + " " + response.body().replaceAll("\\s+", " ");
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(25);
        }
        throw new IllegalStateException(
                "the app was not ready after " + timeout + "; log: " + log + "\n" + logTail(30));
    }

    /** POSTs a JSON body to the app with the local API key (x-api-key: local); its answer as text. */
    HttpResponse<String> post(String path, String body, Duration timeout) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                        .header("content-type", "application/json")
                        .header("x-api-key", "local")
                        .timeout(timeout)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GETs a path of the app (its metrics, say); the answer's body, whatever its status. */
    String get(String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** Seconds from launch to the first answer of the health endpoint, whatever its status. */
    double httpUpSeconds() {
        return httpUpSeconds;
    }

    /** The last answer of the readiness endpoint before it said 200, or null. */
    String lastNotReady() {
        return lastNotReady;
    }

    /** Quarkus' own "started in" figure from the log, or NaN. */
    double quarkusStartedIn() throws IOException {
        Matcher matcher = STARTED_IN.matcher(Files.readString(log));
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
    }

    /** A field of /proc/<pid>/status in MB (VmRSS, VmHWM). */
    double memoryMb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(jvm.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                return Long.parseLong(parts[0]) / 1024.0;
            }
        }
        throw new IllegalStateException(field + " not in /proc/" + jvm.pid() + "/status");
    }

    /** CPU times of the app JVM and the context switches of each of its threads (tid -> voluntary + involuntary). */
    record KernelCounters(double userSeconds, double systemSeconds, Map<Long, Long> switchesByThread) {

        /** CPU seconds (user + system) since {@code before}. */
        double cpuSecondsSince(KernelCounters before) {
            return userSeconds + systemSeconds - before.userSeconds - before.systemSeconds;
        }

        /** Context switches since {@code before}: threads new since then count from 0; threads that ended meanwhile are lost. */
        long switchesSince(KernelCounters before) {
            long total = 0;
            for (Map.Entry<Long, Long> thread : switchesByThread.entrySet()) {
                total += Math.max(0, thread.getValue() - before.switchesByThread.getOrDefault(thread.getKey(), 0L));
            }
            return total;
        }
    }

    /** The app JVM's counters from /proc, to tell work in the JVM from work in the kernel (syscalls, wake-ups). */
    KernelCounters kernelCounters() {
        double user = Double.NaN;
        double system = Double.NaN;
        Map<Long, Long> switches = new java.util.HashMap<>();
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(jvm.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
            user = Long.parseLong(fields[11]) / 100.0; // utime, field 14, in clock ticks (USER_HZ = 100)
            system = Long.parseLong(fields[12]) / 100.0; // stime, field 15
            try (var tasks = Files.list(Path.of("/proc", Long.toString(jvm.pid()), "task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        long count = 0;
                        for (String line : Files.readAllLines(task.resolve("status"))) {
                            if (line.startsWith("voluntary_ctxt_switches:")
                                    || line.startsWith("nonvoluntary_ctxt_switches:")) {
                                count += Long.parseLong(
                                        line.substring(line.indexOf(':') + 1).trim());
                            }
                        }
                        switches.put(Long.parseLong(task.getFileName().toString()), count);
                    } catch (IOException threadGone) {
                        // the thread ended meanwhile
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // an exited process: what was read so far
        }
        return new KernelCounters(user, system, switches);
    }

    /**
     * CPU seconds of the app JVM's live threads by kind: "JIT compiler" (C1/C2 compiler threads), "GC" (G1/GC
     * threads), "JVM other" (VM thread, periodic tasks, ...), "Java threads" (everything with a Java name).
     */
    Map<String, Double> cpuByThreadKind() {
        Map<String, Double> seconds = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(jvm.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
                    double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
                    seconds.merge(threadKind(name), cpu, Double::sum);
                } catch (IOException | RuntimeException threadGone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return seconds;
    }

    private static String threadKind(String name) {
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            return "JIT compiler";
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            return "GC";
        }
        if (name.equals("VM Thread")
                || name.startsWith("VM Periodic")
                || name.equals("Sweeper thread")
                || name.equals("Service Thread")
                || name.equals("Monitor Deflati")
                || name.equals("Common-Cleaner")) {
            return "JVM other";
        }
        return "Java threads";
    }

    /** The app's HTTP port (quarkus.http.port, a free port chosen at start). */
    int jolokiaPort() {
        return jolokiaPort;
    }

    int httpPort() {
        return httpPort;
    }

    /** Waits until the JVM exited; false if it still runs after the timeout. */
    boolean awaitExit(Duration timeout) throws Exception {
        try {
            jvm.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    boolean isAlive() {
        return jvm.isAlive();
    }

    long pid() {
        return jvm.pid();
    }

    Path log() {
        return log;
    }

    /** WARN and ERROR lines of an app's JSON log, read line by line (a log may hold a line per request). */
    record LogLevels(long warnings, long errors) {

        static LogLevels of(Path log) throws IOException {
            long warnings = 0;
            long errors = 0;
            try (java.io.BufferedReader reader =
                    Files.newBufferedReader(log, java.nio.charset.StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.contains("\"level\":\"WARN")) {
                        warnings++;
                    } else if (line.contains("\"level\":\"ERROR")) {
                        errors++;
                    }
                }
            }
            return new LogLevels(warnings, errors);
        }
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the app like the platform does (SIGTERM, graceful shutdown), forcibly after 40 s. */
    @Override
    public void close() {
        try (OutputStream stdin = watchdog.getOutputStream()) {
            stdin.flush();
        } catch (IOException ignored) {
            // the watchdog is gone already
        }
        try {
            ProcessHandle exited =
                    jvm.onExit().completeOnTimeout(null, 40, TimeUnit.SECONDS).get();
            if (exited == null) {
                jvm.destroyForcibly();
            }
        } catch (Exception e) {
            jvm.destroyForcibly();
        }
        try {
            if (!watchdog.waitFor(15, TimeUnit.SECONDS)) {
                watchdog.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            jvm.destroyForcibly();
            watchdog.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
