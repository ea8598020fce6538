package bench;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time used by this JVM and by each process it started (the local servers, the app), by role, so a phase can
 * say who was busy: fauxqs, kafka, app, bench (filler + baseline loop + counting), dynamodb, redis.
 */
final class ProcessCpu {

    private ProcessCpu() {}

    static Map<String, Double> snapshot() {
        Map<String, Double> seconds = new TreeMap<>();
        add(seconds, "bench", ProcessHandle.current());
        ProcessHandle.current().descendants().forEach(process -> add(seconds, role(process), process));
        return seconds;
    }

    /** CPU used between two snapshots as a share of one core over {@code wallSeconds}, per role. */
    static Map<String, Double> coresUsed(Map<String, Double> before, Map<String, Double> after, double wallSeconds) {
        Map<String, Double> used = new TreeMap<>();
        after.forEach((role, seconds) ->
                used.put(role, Stats.round((seconds - before.getOrDefault(role, 0.0)) / wallSeconds, 2)));
        return used;
    }

    private static void add(Map<String, Double> seconds, String role, ProcessHandle process) {
        if (role == null) {
            return;
        }
        double cpu = process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
        seconds.merge(role, cpu, Double::sum);
    }

    private static String role(ProcessHandle process) {
        String command = process.info().command().orElse("");
        String arguments = String.join(" ", process.info().arguments().orElse(new String[0]));
        if (command.endsWith("/bash") || command.endsWith("/sleep") || command.endsWith("/cat")) {
            return null;
        }
        if (arguments.contains("quarkus-run.jar")) {
            return "app";
        }
        if (command.endsWith("/node") || command.endsWith("/nodejs") || arguments.contains("fauxqs")) {
            return "fauxqs";
        }
        if (arguments.contains("DynamoDBLocal")) {
            return "dynamodb";
        }
        if (arguments.toLowerCase().contains("kafka")) {
            return "kafka";
        }
        if (command.contains("redis")) {
            return "redis";
        }
        return "other";
    }
}
