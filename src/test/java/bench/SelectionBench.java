package bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import localstack.LocalStack;
import software.amazon.awssdk.services.sqs.model.Message;
import support.Queues;

/**
 * enqueueMarketSelections on a market of N scoring records (default 1 000 000) in the entry stand-in: the time from
 * the HTTP trigger to its answer (the route answers after the last SendMessageBatch, so every selection is on
 * saveSelectionQueue then) and the app's peak heap, against the goals (< 30 s, < 512 MB). For scale, the same run
 * measures a plain reader of the same pages (one thread, no rate limit, Jackson) as the floor of fetching them.
 * Checked: exactly {@code capacity} winners on the queue, ranks 1..capacity, the same users in the same order as a
 * full sort of all records computes independently, distinct codes, one reservation.
 */
final class SelectionBench extends StackBenchmark<SelectionBench.Result> {

    static final String NAME = "selection";
    static final int DEFAULT_RECORDS = 1_000_000;
    static final int DEFAULT_CAPACITY = 10_000;
    static final String USAGE = "  selection:        [--n SCORING_RECORDS (default " + DEFAULT_RECORDS
            + ")] [--capacity WINNERS (default " + DEFAULT_CAPACITY + ")]";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUEUE = "saveSelectionQueue";

    /** Options' {@code warmup} carries the market's capacity here: one invocation is the whole measurement. */
    static Options parse(String[] args) {
        int records = DEFAULT_RECORDS;
        int capacity = DEFAULT_CAPACITY;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + arg + "\n" + USAGE);
            }
            int value = Integer.parseInt(args[++i]);
            switch (arg) {
                case "--n" -> records = value;
                case "--capacity" -> capacity = value;
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "' for selection\n" + USAGE);
            }
        }
        if (records <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("--n and --capacity must be positive");
        }
        return new Options(NAME, records, 1, capacity, 1, 1, Options.DEFAULT_CONNECTIONS, Options.DEFAULT_SECONDS, 0);
    }

    static final class Result extends Benchmark.Result {
        public int scoringRecords;
        public int capacity;
        public double secondsToAllOnQueue;
        public double floorSecondsToReadAllPages;
        public int pages;
        public double peakHeapUsedMbSampled;
        public double heapPoolsPeakMb;
        public double rssAfterMb;
        public double peakRssMb;
        public double startupSeconds;
        public double appCpuSeconds;
        public JsonNode answer;
        public List<String> problems = new ArrayList<>();
        public String appLog;
    }

    private final HttpClient http = HttpClient.newHttpClient();

    SelectionBench(Options options, Path root, LocalStack stack) {
        super(options, root, stack);
    }

    @Override
    public String table(Result result) {
        return result.header("selection: enqueueMarketSelections on one market")
                + String.format(
                        """
                scoring records %,d, capacity %,d (entry-service pages of 1000: %d)
                time from trigger to every selection on %s: %.2f s   (goal < 30 s)
                floor, one plain reader of the same pages (no rate limit): %.2f s
                app peak heap used: %.0f MB sampled every 100 ms; %.0f MB sum of the heap pools' peaks   (goal < 512 MB; -Xmx512m)
                app RSS after / peak: %.0f / %.0f MB; app CPU during the run: %.1f s; start-up %.2f s
                answer: %s
                correct: %s %s
                """,
                        result.scoringRecords,
                        result.capacity,
                        result.pages,
                        QUEUE,
                        result.secondsToAllOnQueue,
                        result.floorSecondsToReadAllPages,
                        result.peakHeapUsedMbSampled,
                        result.heapPoolsPeakMb,
                        result.rssAfterMb,
                        result.peakRssMb,
                        result.appCpuSeconds,
                        result.startupSeconds,
                        result.answer,
                        result.allCorrect,
                        result.problems.isEmpty() ? "" : result.problems.toString());
    }

    @Override
    public Result run() throws Exception {
        int records = options.messages();
        int capacity = options.warmup();
        Result result = new Result();
        result.machine = machine("");
        result.command = "bench/run selection --n " + records + " --capacity " + capacity;
        result.scoringRecords = records;
        result.capacity = capacity;
        result.settings.put("appJavaOptions", "-Xmx512m");
        result.settings.put("entryServiceRateLimitPerCampaign", "100 req/s (services.entry.rate-limit)");

        BenchMarket market = BenchMarket.seed(stack.standIns(), NAME, "Bench", capacity, records, 7);

        List<String> expected = new ArrayList<>();
        long floorStart = System.nanoTime();
        result.pages = readAllPages(market, capacity, expected);
        result.floorSecondsToReadAllPages = Stats.round(Stats.seconds(System.nanoTime() - floorStart), 2);
        log("selection: floor, all %d pages read in %.2f s", result.pages, result.floorSecondsToReadAllPages);

        Path log = appLog("selection-app");
        result.appLog = root.relativize(log).toString();
        try (AppProcess app = AppProcess.start(root, appJar(), "enqueueMarketSelections", stack.appConfig(), log)) {
            result.startupSeconds = Stats.round(app.awaitReady(Duration.ofSeconds(180)), 2);
            AtomicBoolean sampling = new AtomicBoolean(true);
            AtomicLong peakHeap = new AtomicLong();
            Thread sampler = new Thread(
                    () -> {
                        while (sampling.get()) {
                            long used = jolokiaLong(app, "java.lang:type=Memory/HeapMemoryUsage/used");
                            peakHeap.accumulateAndGet(used, Math::max);
                            sleep(100);
                        }
                    },
                    "heap-sampler");
            sampler.start();
            AppProcess.KernelCounters cpuBefore = app.kernelCounters();
            long start = System.nanoTime();
            HttpResponse<String> answer = app.post("/selections/markets", market.target(), Duration.ofMinutes(5));
            result.secondsToAllOnQueue = Stats.round(Stats.seconds(System.nanoTime() - start), 2);
            AppProcess.KernelCounters cpuAfter = app.kernelCounters();
            result.appCpuSeconds = Stats.round(cpuAfter.cpuSecondsSince(cpuBefore), 1);
            sampling.set(false);
            sampler.join();
            result.peakHeapUsedMbSampled = Stats.round(peakHeap.get() / 1048576.0, 0);
            result.heapPoolsPeakMb = Stats.round(heapPoolsPeak(app) / 1048576.0, 0);
            result.rssAfterMb = Stats.round(app.memoryMb("VmRSS"), 0);
            result.peakRssMb = Stats.round(app.memoryMb("VmHWM"), 0);
            if (answer.statusCode() != 200) {
                result.problems.add("the trigger answered " + answer.statusCode() + ": " + answer.body());
            } else {
                result.answer = JSON.readTree(answer.body());
            }
        }
        log("selection: %.2f s to all selections on the queue", result.secondsToAllOnQueue);
        check(result, market, capacity, expected);
        if (AppProcess.LogLevels.of(log).errors() > 0) {
            result.problems.add("ERROR lines in " + result.appLog);
        }
        result.medians.put("secondsToAllOnQueue", result.secondsToAllOnQueue);
        result.medians.put("peakHeapUsedMbSampled", result.peakHeapUsedMbSampled);
        result.medians.put("heapPoolsPeakMb", result.heapPoolsPeakMb);
        result.medians.put("floorSecondsToReadAllPages", result.floorSecondsToReadAllPages);
        result.allCorrect = result.problems.isEmpty();
        return result;
    }

    /** Reads every page like the app does, without rate limit; fills {@code expected} with the winners by a full sort. */
    private int readAllPages(BenchMarket market, int capacity, List<String> expected) throws Exception {
        String base = stack.standIns().baseUrl("entry") + "/campaigns/" + market.campaignId() + "/markets/"
                + market.marketId() + "/scoring-records?limit=1000";
        List<String> users = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String url = cursor == null
                    ? base
                    : base + "&cursor=" + java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8);
            HttpResponse<String> page = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("x-api-key", "local")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(page.body());
            for (JsonNode record : body.get("records")) {
                if (record.get("score").isNumber()) {
                    users.add(record.get("globalUserId").asText());
                    scores.add(record.get("score").asDouble());
                }
            }
            cursor = body.get("nextCursor").isNull()
                    ? null
                    : body.get("nextCursor").asText();
            pages++;
        } while (cursor != null);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        Integer[] order = new Integer[users.size()];
        long[] ties = new long[users.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            byte[] digest = sha256.digest(
                    (market.campaignId() + "\n" + market.marketId() + "\n" + market.dateId() + "\n" + users.get(i))
                            .getBytes(StandardCharsets.UTF_8));
            ties[i] = ByteBuffer.wrap(digest, 0, 8).getLong();
        }
        Arrays.sort(
                order,
                Comparator.<Integer>comparingDouble(i -> -scores.get(i))
                        .thenComparing((a, b) -> Long.compareUnsigned(ties[a], ties[b])));
        for (int i = 0; i < Math.min(capacity, order.length); i++) {
            expected.add(users.get(order[i]));
        }
        return pages;
    }

    private void check(Result result, BenchMarket market, int capacity, List<String> expected) throws Exception {
        Queues queues = new Queues(stack);
        List<Message> messages = queues.drain(QUEUE, Duration.ofSeconds(3));
        List<JsonNode> selections = new ArrayList<>();
        for (Message message : messages) {
            JsonNode body = JSON.readTree(message.body());
            if (market.campaignId().equals(body.path("campaignId").asText())) {
                if (body.get("selections").size() > 25) {
                    result.problems.add("a message of " + body.get("selections").size() + " winners");
                }
                body.get("selections").forEach(selections::add);
            }
        }
        selections.sort(Comparator.comparingInt(s -> s.get("rank").asInt()));
        if (selections.size() != capacity) {
            result.problems.add(selections.size() + " winners on the queue, " + capacity + " expected");
        }
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < selections.size(); i++) {
            JsonNode selection = selections.get(i);
            if (selection.get("rank").asInt() != i + 1) {
                result.problems.add("ranks are not 1.." + selections.size());
                break;
            }
            if (i < expected.size()
                    && !expected.get(i).equals(selection.get("globalUserId").asText())) {
                result.problems.add("rank " + (i + 1) + " is "
                        + selection.get("globalUserId").asText() + ", the full sort says " + expected.get(i));
                break;
            }
            codes.add(selection.get("code").asText());
        }
        if (codes.size() != selections.size()) {
            result.problems.add("codes are not distinct");
        }
        int reserved = stack.standIns()
                .code()
                .reservedCodes(market.campaignId(), market.marketId())
                .size();
        if (reserved != capacity) {
            result.problems.add(reserved + " codes reserved, " + capacity + " expected");
        }
    }

    private long jolokiaLong(AppProcess app, String path) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + app.jolokiaPort() + "/jolokia/read/" + path))
                            .timeout(Duration.ofSeconds(2))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body()).path("value").asLong();
        } catch (Exception e) {
            return 0;
        }
    }

    /** The sum of each heap pool's peak use over the app's life (an upper bound of the heap's peak). */
    private long heapPoolsPeak(AppProcess app) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.jolokiaPort()
                                + "/jolokia/read/java.lang:type=MemoryPool,name=*/PeakUsage,Type"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long sum = 0;
        for (JsonNode pool : JSON.readTree(response.body()).path("value")) {
            if ("HEAP".equals(pool.path("Type").asText())) {
                sum += pool.path("PeakUsage").path("used").asLong();
            }
        }
        return sum;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
