package bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import localstack.LocalPaths;

/**
 * Where the app's CPU went in each measured phase of a benchmark run with BENCH_APP_JFR=1: reads
 * target/bench/&lt;benchmark&gt;.json (the phases' wall-clock windows) and the app's JFR recording(s) in
 * target/bench/jfr/, keeps the execution samples inside the windows, and splits them into cost categories: a sample
 * goes to the first rule (in the order below) whose method appears in its stack, within the rule's depth from the
 * leaf when it has one (for wrappers such as Camel's MDC unit of work, whose callbacks carry the rest of the work).
 * Usage: {@code java -cp target/test-classes:$(cat target/classpath.txt) bench.JfrProfile checkEligibility|upsertUsers [result.json]}
 * (by default the benchmark's last result, target/bench/&lt;benchmark&gt;.json; give the timestamped copy of the run that
 * made the recording if another run came after it).
 */
public final class JfrProfile {

    private record Rule(String method, int depth, String category) {}

    private static Rule rule(String method, String category) {
        return new Rule(method, Integer.MAX_VALUE, category);
    }

    private static Rule leafward(String method, int depth, String category) {
        return new Rule(method, depth, category);
    }

    private static final List<Rule> CHECK_ELIGIBILITY = List.of(
            rule("java.security.Signature.verify", "JWT: RSA signature check"),
            rule("AccessTokens.verify", "JWT: token parse + claims (smallrye-jwt/jose4j), without RSA"),
            rule("CampaignCatalog.parse", "campaign: Jackson parse of the cached campaign JSON (every request)"),
            rule("CampaignCatalog.cacheGet", "campaign: Redis MGET (worker thread, blocking client)"),
            rule("io.vertx.redis", "campaign: Redis client (event loop)"),
            rule("WorkerLog.log", "decision log line (JSON formatter, PII filter, write)"),
            rule("WorkerLog", "WorkerLog MDC context"),
            rule("EntryValidator", "entry validation"),
            rule("EligibilityCheck", "eligibility rules + spans (rest)"),
            rule("EligibilityRequests", "request: transport check + JSON parse"),
            rule("EligibilityResponses", "response: correlation id + JSON body"),
            rule("AccessTokens", "JWT: subject check"),
            rule("MicrometerRoutePolicy", "Camel micrometer route policy (meter search per exchange)"),
            rule("MicrometerExchangeEventNotifier", "Camel micrometer exchange notifier (meter search per exchange)"),
            rule("micrometer", "other Micrometer (Quarkus HTTP server metrics etc.)"),
            rule("opentelemetry", "OpenTelemetry"),
            rule("io.netty.channel", "Vert.x/Netty HTTP server (event loop, response write)"),
            rule("io.vertx.core.http.impl", "Vert.x/Netty HTTP server (event loop, response write)"),
            rule("io.quarkus.vertx.http.runtime.security", "Quarkus HTTP security handlers"),
            leafward("VertxMDC", 12, "MDC: Quarkus Vert.x-context MDC (put/remove of MDC keys)"),
            leafward("MDCUnitOfWork", 12, "MDC: Camel MDC unit of work"),
            rule("org.apache.camel", "Camel routing/bean invocation/platform-http"),
            rule("io.quarkus", "Quarkus other"),
            rule("io.vertx", "Vert.x other"));

    private static final List<Rule> UPSERT_USERS = List.of(
            rule("Acknowledgements", "ack: DeleteMessageBatch (synchronous in settle, or the flusher)"),
            rule("DefaultSqsClient.changeMessageVisibility", "SQS ChangeMessageVisibility (visibility extension)"),
            rule("DefaultSqsClient.receiveMessage", "SQS ReceiveMessage (AWS SDK)"),
            rule(
                    "org.apache.camel.component.http.HttpProducer",
                    "user-service call: Camel HTTP producer (Apache HttpClient)"),
            rule("ResilienceProcessor", "user-service call: Resilience4j breaker wrapper"),
            rule("Throttle", "user-service call: throttle (rate limit)"),
            rule("ServiceClient", "user-service call: ServiceClient/ServiceCallRoutes (rest)"),
            rule("UserUpserts.pending", "per message: parse the user (Jackson)"),
            rule("UserUpserts", "batch: build the request, read the results"),
            rule("QueueContract", "queue contract (settle, per-message bookkeeping)"),
            rule("WorkerLog", "log lines"),
            leafward("MicrometerRoutePolicy", 12, "Camel micrometer route policy"),
            leafward("MicrometerExchangeEventNotifier", 12, "Camel micrometer exchange notifier"),
            leafward("micrometer", 12, "other Micrometer"),
            leafward("VertxMDC", 12, "MDC: Quarkus Vert.x-context MDC"),
            leafward("MDCUnitOfWork", 12, "MDC: Camel MDC unit of work"),
            rule("opentelemetry", "OpenTelemetry"),
            rule("AggregateProcessor", "Camel aggregator (rest)"),
            rule("Sqs2Consumer", "Camel SQS consumer: per-message exchanges (rest)"),
            rule("org.apache.camel", "Camel routing other"),
            rule("software.amazon.awssdk", "AWS SDK other"),
            rule("io.quarkus", "Quarkus other"),
            rule("io.vertx", "Vert.x"));

    private JfrProfile() {}

    public static void main(String[] args) throws Exception {
        String benchmark = args.length > 0 ? args[0] : "checkEligibility";
        Path root = LocalPaths.projectRoot();
        Path resultFile = args.length > 1 ? Path.of(args[1]) : root.resolve("target/bench/" + benchmark + ".json");
        JsonNode result = new ObjectMapper().readTree(resultFile.toFile());
        Map<String, List<long[]>> windowsByGroup = new LinkedHashMap<>();
        Map<String, Path> fileByGroup = new LinkedHashMap<>();
        List<Rule> rules;
        if (benchmark.equals("checkEligibility")) {
            rules = CHECK_ELIGIBILITY;
            for (JsonNode phase : result.path("phases")) {
                String group =
                        phase.path("part").asText() + " " + phase.path("target").asText();
                windowsByGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(window(phase));
                fileByGroup.put(group, root.resolve("target/bench/jfr/checkEligibility-app.jfr"));
            }
        } else if (benchmark.equals("upsertUsers")) {
            rules = UPSERT_USERS;
            for (JsonNode phase : result.path("phases")) {
                if (phase.path("system").asText().equals("app")) {
                    String group = "app round " + phase.path("round").asInt();
                    windowsByGroup
                            .computeIfAbsent(group, g -> new ArrayList<>())
                            .add(window(phase));
                    fileByGroup.put(
                            group,
                            root.resolve("target/bench/jfr/upsertUsers-app-round-"
                                    + phase.path("round").asInt() + ".jfr"));
                }
            }
        } else {
            throw new IllegalArgumentException("usage: bench.JfrProfile checkEligibility|upsertUsers [result.json]");
        }
        for (Map.Entry<String, List<long[]>> group : windowsByGroup.entrySet()) {
            Path file = fileByGroup.get(group.getKey());
            if (!Files.isRegularFile(file)) {
                System.out.println(group.getKey() + ": no recording " + root.relativize(file)
                        + " (run the benchmark with BENCH_APP_JFR=1)");
                continue;
            }
            print(group.getKey(), split(file, group.getValue(), rules));
        }
    }

    private static long[] window(JsonNode phase) {
        return new long[] {
            phase.path("startedAtEpochMs").asLong(),
            phase.path("endedAtEpochMs").asLong()
        };
    }

    /** Samples per category and per thread (digits folded) inside the windows. */
    private static Map<String, Map<String, Integer>> split(Path file, List<long[]> windows, List<Rule> rules)
            throws Exception {
        Map<String, Integer> categories = new TreeMap<>();
        Map<String, Integer> threads = new TreeMap<>();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")
                        || !inside(event.getStartTime(), windows)) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null) {
                    continue;
                }
                List<String> methods = new ArrayList<>();
                for (RecordedFrame frame : stack.getFrames()) {
                    methods.add(frame.getMethod().getType().getName() + "."
                            + frame.getMethod().getName());
                }
                categories.merge(categorize(methods, rules), 1, Integer::sum);
                String thread = event.getThread("sampledThread") == null
                        ? "?"
                        : String.valueOf(event.getThread("sampledThread").getJavaName());
                threads.merge(thread.replaceAll("[0-9]+", "N"), 1, Integer::sum);
            }
        }
        return Map.of("categories", categories, "threads", threads);
    }

    private static boolean inside(Instant time, List<long[]> windows) {
        long at = time.toEpochMilli();
        for (long[] window : windows) {
            if (at >= window[0] && at <= window[1]) {
                return true;
            }
        }
        return false;
    }

    private static String categorize(List<String> methods, List<Rule> rules) {
        for (Rule rule : rules) {
            for (int i = 0; i < methods.size() && i < rule.depth(); i++) {
                if (methods.get(i).contains(rule.method())) {
                    return rule.category();
                }
            }
        }
        return "other (JDK, GC barriers, ...)";
    }

    private static void print(String group, Map<String, Map<String, Integer>> split) {
        int total = split.get("categories").values().stream()
                .mapToInt(Integer::intValue)
                .sum();
        System.out.printf("%n%s: %d execution samples%n", group, total);
        for (String part : List.of("categories", "threads")) {
            split.get(part).entrySet().stream()
                    .sorted((a, b) -> b.getValue() - a.getValue())
                    .forEach(e -> System.out.printf(
                            "  %5.1f %%  %5d  %s%n",
                            100.0 * e.getValue() / Math.max(1, total),
                            e.getValue(),
                            (part.equals("threads") ? "thread " : "") + e.getKey()));
        }
    }
}
