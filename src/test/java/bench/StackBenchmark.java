package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import localstack.LocalStack;

/**
 * A benchmark on the local stack {@link Bench} started: what every one of them holds (its options, the project root,
 * target/bench, the stack) and where the app it starts writes its log and its JFR recording.
 */
abstract class StackBenchmark<R extends Benchmark.Result> implements Benchmark<R> {

    protected final Options options;
    protected final Path root;
    /** target/bench: the results, the apps' logs (logs/) and JFR recordings (jfr/) */
    protected final Path outDir;

    protected final LocalStack stack;

    protected StackBenchmark(Options options, Path root, LocalStack stack) {
        this.outDir = Bench.outDir(root);
        this.options = options;
        this.root = root;
        this.stack = stack;
    }

    /** The machine a result ran on; {@code note}: what shares it with the system measured ("" if nothing). */
    protected static String machine(String note) {
        return Runtime.getRuntime().availableProcessors() + " cores, noisy shared workplace machine" + note;
    }

    /** The packaged app. */
    protected final Path appJar() {
        return AppProcess.jar(root);
    }

    /** target/bench/logs/{@code name}.log: an app's log. */
    protected final Path appLog(String name) {
        return outDir.resolve("logs/" + name + ".log");
    }

    /**
     * target/bench/jfr/{@code name}.jfr when BENCH_APP_JFR=1 (the app records JFR, settings=profile, from its start;
     * bench.JfrProfile cuts it into the phases), else null.
     */
    protected final Path appJfr(String name) {
        return "1".equals(System.getenv("BENCH_APP_JFR")) ? outDir.resolve("jfr/" + name + ".jfr") : null;
    }

    /** BENCH_APP_JAVA_OPTS (extra flags of the app JVM) as ", BENCH_APP_JAVA_OPTS=..." for a result's settings, or "". */
    protected static String extraAppOpts() {
        String extra = System.getenv("BENCH_APP_JAVA_OPTS");
        return extra == null || extra.isBlank() ? "" : ", BENCH_APP_JAVA_OPTS=" + extra.trim();
    }

    /** A property of the app as this run sets it: its -Dkey=value in BENCH_APP_JAVA_OPTS, else application.properties. */
    protected final String appProperty(String key, String fallback) {
        Matcher override = override(key);
        if (override.find()) {
            return override.group(1);
        }
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(root.resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            return fallback;
        }
        return properties.getProperty(key, fallback);
    }

    /** Whether BENCH_APP_JAVA_OPTS sets the property (-Dkey=value). */
    protected static boolean appPropertyOverridden(String key) {
        return override(key).find();
    }

    private static Matcher override(String key) {
        String extra = System.getenv("BENCH_APP_JAVA_OPTS");
        return Pattern.compile("-D" + Pattern.quote(key) + "=(\\S+)").matcher(extra == null ? "" : extra);
    }

    protected static void log(String format, Object... args) {
        Bench.log(format, args);
    }

    /** Nothing to free by default: the stack's clients belong to the stack, the apps are closed by run(). */
    @Override
    public void close() {}
}
