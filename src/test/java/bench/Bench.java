package bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import localstack.LocalPaths;
import localstack.LocalStack;

/**
 * Benchmark harness entry point, run by bench/run (never by the tests: no class here ends in Test).
 * Starts the local stack once on free ports, runs the named benchmark (sendData, checkEligibility, upsertUsers,
 * processData, replication, selection, notification, fleetLimit, startup; or "all" of them one after the other), prints a table and writes
 * target/bench/&lt;benchmark&gt;.json for each. Every child process (servers, app) is stopped at the end, also on
 * failure; they run under local/child-watchdog.sh, so they also die if this JVM is killed.
 */
public final class Bench {

    /** Held so the level stays set (loggers are weakly referenced). */
    private static final java.util.logging.Logger ROOT_LOGGER = java.util.logging.Logger.getLogger("");

    private Bench() {}

    public static void main(String[] args) {
        // Without a logging configuration every logger of this JVM is at DEBUG: the AWS SDK's Apache client then
        // formats its wire log for every request (about a fifth of this JVM's CPU), which would slow the filler and
        // the baseline for nothing. Nothing below INFO is wanted here.
        ROOT_LOGGER.setLevel(java.util.logging.Level.INFO);
        if (java.util.Arrays.asList(args).contains("--help")
                || java.util.Arrays.asList(args).contains("-h")) {
            System.out.println(Options.usage() + "\n" + ReplicationBench.USAGE + "\n" + SelectionBench.USAGE + "\n"
                    + NotificationBench.USAGE + "\n" + FleetLimitBench.USAGE + "\n" + StartupBench.USAGE + "\n"
                    + FaultSuite.USAGE);
            System.exit(0);
            return;
        }
        if (args.length > 0 && args[0].equals(FaultSuite.NAME)) {
            int status;
            try {
                status = FaultSuite.main(args);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                status = 2;
            } catch (Exception | Error e) {
                System.err.println("[bench] faults FAILED: " + e);
                e.printStackTrace();
                status = 1;
            }
            System.exit(status);
            return;
        }
        Options options;
        try {
            // replication, selection and notification parse their own options; none is part of "all"
            String first = args.length > 0 ? args[0] : "";
            options = switch (first) {
                case ReplicationBench.NAME -> ReplicationBench.parse(args);
                case SelectionBench.NAME -> SelectionBench.parse(args);
                case NotificationBench.NAME -> NotificationBench.parse(args);
                case FleetLimitBench.NAME -> FleetLimitBench.parse(args);
                case StartupBench.NAME -> StartupBench.parse(args);
                default -> Options.parse(args);
            };
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int status = 0;
        try {
            run(options);
        } catch (Exception | Error e) {
            System.err.println("[bench] FAILED: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private static void run(Options options) throws Exception {
        Path root = LocalPaths.projectRoot();
        Path outDir = outDir(root);
        Files.createDirectories(outDir.resolve("logs"));
        log("%s: %d rounds; starting the local stack", String.join(", ", options.benchmarks()), options.rounds());
        long started = System.nanoTime();
        LocalStack stack = LocalStack.start(LocalStack.Ports.FREE);
        AtomicBoolean closed = new AtomicBoolean();
        Runnable closeStack = () -> {
            if (closed.compareAndSet(false, true)) {
                stack.close();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(closeStack, "bench-stack-stop"));
        List<String> failed = new ArrayList<>();
        try {
            for (String name : options.benchmarks()) {
                Options resolved = name.equals(options.benchmark()) ? options.resolved(name) : defaults(name, options);
                try {
                    if (!runOne(create(resolved, root, stack), resolved.benchmark(), root, outDir)) {
                        failed.add(name + " (some phases were not correct: see problems in target/bench/" + name
                                + ".json)");
                    }
                } catch (Exception e) {
                    if (options.benchmarks().size() == 1) {
                        throw e;
                    }
                    System.err.println("[bench] " + name + " FAILED: " + e);
                    e.printStackTrace();
                    failed.add(name + " (" + e + ")");
                }
            }
            log("whole run %.0f s", Stats.seconds(System.nanoTime() - started));
        } finally {
            closeStack.run();
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("not valid: " + String.join("; ", failed));
        }
    }

    /** The options of one benchmark of "all": its own defaults, with the rounds given for all. */
    private static Options defaults(String name, Options all) {
        String[] onlyTheName = {name};
        return switch (name) {
            case ReplicationBench.NAME -> ReplicationBench.parse(onlyTheName);
            case SelectionBench.NAME -> SelectionBench.parse(onlyTheName);
            case NotificationBench.NAME -> NotificationBench.parse(onlyTheName);
            case FleetLimitBench.NAME -> FleetLimitBench.parse(onlyTheName);
            case StartupBench.NAME -> StartupBench.parse(onlyTheName);
            default -> all.resolved(name);
        };
    }

    /** Where the results and the app logs go: target/bench. */
    static Path outDir(Path root) {
        return root.resolve("target/bench");
    }

    /** Runs one benchmark, writes its JSON (and a timestamped copy), prints its table; true when it was correct. */
    private static <R extends Benchmark.Result> boolean runOne(
            Benchmark<R> benchmark, String name, Path root, Path outDir) throws Exception {
        long started = System.nanoTime();
        try (Benchmark<R> bench = benchmark) {
            String startedAt = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                    .withNano(0)
                    .toString();
            R result = bench.run();
            result.stamp(name, startedAt, gitHead(root) + " (plus whatever was uncommitted in the working tree)");
            Path json = outDir.resolve(name + ".json");
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            mapper.writeValue(json.toFile(), result);
            mapper.writeValue(
                    outDir.resolve(name + "-" + startedAt.replace(":", "") + ".json")
                            .toFile(),
                    result);
            System.out.print(bench.table(result));
            System.out.flush();
            log("written %s; %s took %.0f s", root.relativize(json), name, Stats.seconds(System.nanoTime() - started));
            return result.correct();
        }
    }

    private static Benchmark<?> create(Options options, Path root, LocalStack stack) {
        return switch (options.benchmark()) {
            case "sendData" -> new SendDataBench(options, root, stack);
            case ProcessDataBench.NAME -> new ProcessDataBench(options, root, stack);
            case "checkEligibility" -> new CheckEligibilityBench(options, root, stack);
            case "upsertUsers" -> new UpsertUsersBench(options, root, stack);
            case ReplicationBench.NAME -> new ReplicationBench(options, root, stack);
            case SelectionBench.NAME -> new SelectionBench(options, root, stack);
            case NotificationBench.NAME -> new NotificationBench(options, root, stack);
            case FleetLimitBench.NAME -> new FleetLimitBench(options, root, stack);
            case StartupBench.NAME -> new StartupBench(options, root, stack);
            default -> throw new IllegalArgumentException("unknown benchmark " + options.benchmark());
        };
    }

    static String gitHead(Path root) {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "HEAD")
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .start();
            String head = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor() == 0 ? head : "unknown";
        } catch (Exception e) {
            return "unknown";
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("[bench] " + format + "%n", args);
        System.out.flush();
    }
}
