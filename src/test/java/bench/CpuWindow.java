package bench;

import java.util.Map;
import java.util.function.Function;

/**
 * Who used the CPU during a measured window: every process by role ({@link ProcessCpu}: app, bench = this JVM,
 * fauxqs, kafka, ...), how busy the whole machine was ({@link CpuSample}), and, when asked, the app JVM by thread
 * kind ({@link AppProcess#cpuByThreadKind}) and this JVM by thread group ({@link ThreadCpu}).
 */
final class CpuWindow {

    private final AppProcess app;
    private final Function<String, String> threadGroups;
    private final long start;
    private final Map<String, Double> processesBefore;
    private final CpuSample machineBefore;
    private final Map<Long, Map.Entry<String, Long>> threadsBefore;
    private final Map<String, Double> appThreadsBefore;

    private CpuWindow(AppProcess app, Function<String, String> threadGroups) {
        this.app = app;
        this.threadGroups = threadGroups;
        this.processesBefore = ProcessCpu.snapshot();
        this.threadsBefore = threadGroups == null ? null : ThreadCpu.snapshot(threadGroups);
        this.machineBefore = CpuSample.now();
        this.appThreadsBefore = app == null ? null : app.cpuByThreadKind();
        this.start = System.nanoTime();
    }

    /**
     * Starts a window. {@code app} (or null): also split the app JVM's CPU by thread kind; {@code threadGroups} (or
     * null): also split this JVM's CPU by these groups of thread names (null = not in a group).
     */
    static CpuWindow open(AppProcess app, Function<String, String> threadGroups) {
        return new CpuWindow(app, threadGroups);
    }

    /** The CPU used from the start until now, as shares of a core over the window's wall-clock time. */
    Used close() {
        return close(Stats.seconds(System.nanoTime() - start));
    }

    /** The same over {@code wallSeconds} (when the window's time is measured otherwise, e.g. until the last item landed). */
    Used close(double wallSeconds) {
        CpuSample machineAfter = CpuSample.now();
        Map<Long, Map.Entry<String, Long>> threadsAfter =
                threadGroups == null ? null : ThreadCpu.snapshot(threadGroups);
        Map<String, Double> processesAfter = ProcessCpu.snapshot();
        Map<String, Double> appThreads =
                app == null ? null : ProcessCpu.coresUsed(appThreadsBefore, app.cpuByThreadKind(), wallSeconds);
        return new Used(
                wallSeconds,
                Stats.round(machineAfter.busySince(machineBefore), 2),
                ProcessCpu.coresUsed(processesBefore, processesAfter, wallSeconds),
                appThreads,
                threadsAfter == null ? null : ThreadCpu.coresUsed(threadsBefore, threadsAfter, wallSeconds),
                processesAfter.getOrDefault("app", 0.0) - processesBefore.getOrDefault("app", 0.0));
    }

    /** What a phase's result holds of its window's CPU (its JSON fields); a benchmark's phase extends it. */
    static class Recorded {
        /** how busy the whole machine was over the window, 0..1 */
        public double machineBusy;
        /** cores per process over the window (app, bench = the harness JVM, fauxqs, kafka, redis, ...) */
        public Map<String, Double> coresUsed;
        /** the app's cores by thread kind (JIT compiler, GC, JVM other, Java threads); a fresh JVM compiles a lot */
        public Map<String, Double> appCoresByThreadKind;

        /** Records a closed window. */
        void cpu(Used used) {
            machineBusy = used.machineBusy();
            coresUsed = used.coresUsed();
            appCoresByThreadKind = used.appCoresByThreadKind();
        }
    }

    /**
     * A closed window: its seconds, the machine's busy share (0..1), cores per process role, the app's cores by thread
     * kind and this JVM's by thread group (null when not asked for), and the app's CPU seconds, unrounded.
     */
    record Used(
            double wallSeconds,
            double machineBusy,
            Map<String, Double> coresUsed,
            Map<String, Double> appCoresByThreadKind,
            Map<String, Double> benchJvmCoresByThreads,
            double appCpuSeconds) {}
}
