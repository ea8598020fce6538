package bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * CPU time of this JVM's threads, grouped by a function of the thread name (e.g. the user stand-in's threads, the
 * baseline's loops), so a phase can split the harness JVM's CPU between what plays the downstream service and what
 * plays the system under test. Threads that end between two snapshots drop out; whatever is not in a group is the
 * harness JVM's total (ProcessCpu "bench") minus the groups.
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {}

    /** Thread id -> (group, CPU nanos) for the live threads whose group is not null. */
    static Map<Long, Map.Entry<String, Long>> snapshot(Function<String, String> group) {
        Map<Long, Map.Entry<String, Long>> cpu = new TreeMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = group.apply(info.getThreadName());
            long nanos = THREADS.getThreadCpuTime(info.getThreadId());
            if (name != null && nanos >= 0) {
                cpu.put(info.getThreadId(), Map.entry(name, nanos));
            }
        }
        return cpu;
    }

    /** Cores used per group between two snapshots over {@code wallSeconds} (threads started in between count from 0). */
    static Map<String, Double> coresUsed(
            Map<Long, Map.Entry<String, Long>> before, Map<Long, Map.Entry<String, Long>> after, double wallSeconds) {
        Map<String, Double> used = new TreeMap<>();
        after.forEach((id, entry) -> {
            Map.Entry<String, Long> earlier = before.get(id);
            long start = earlier == null ? 0 : earlier.getValue();
            used.merge(entry.getKey(), (entry.getValue() - start) / 1e9, Double::sum);
        });
        used.replaceAll((group, seconds) -> Stats.round(seconds / wallSeconds, 2));
        return used;
    }
}
