package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import localstack.LocalStack;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import standins.EntryStandIn;

/**
 * replication throughput, demand-table -> enqueueEntries (stream reader) -> saveEntriesQueue -> saveEntries -> entry
 * service (the stand-in, in this JVM) -> item unflagged (needsReplication removed, replicatedAt set): the packaged
 * app (APP_STACK=replication, a fresh process per app phase) against the raw write rate of DynamoDB Local for the
 * same items, R rounds, alternating order.
 * <ul>
 * <li><b>raw-write</b> (app not running, so nobody reads the stream): {@link EntryWriter} writes N entry items of a
 * fresh campaign with BatchWriteItem of 25 from 2 threads, needsReplication=false (so the app, when it reads these
 * records later, skips them); entries/s = N / (first request sent .. last answer).</li>
 * <li><b>app</b>: the app starts; W warm-up entries (flagged) are written and awaited (not timed; they also make
 * the reader go through whatever the stream held before); the entry stand-in is reset; then the same writer writes N
 * flagged entries of a fresh campaign and the harness waits until the stand-in has received all N (counted from its
 * recorded requests every 250 ms) and no item of the campaign is flagged (a Query every 250 ms). entries/s = N /
 * (first write request sent .. the latest replicatedAt of the N items, the app's own timestamp); lag per entry =
 * replicatedAt - updatedAt (the writer's timestamp of the item's batch).</li>
 * </ul>
 * Checked after every app phase: all N items present, none flagged, each with a replicatedAt; each upserted exactly
 * once (stand-in's requests), stored with its fields, score and updatedAt; saveEntriesQueue and its DLQ empty; no
 * ERROR in the app log.
 */
final class ReplicationBench
        extends AppVersusBaseline<ReplicationBench.Phase, AppVersusBaseline.Result<ReplicationBench.Phase>> {

    static final String NAME = "replication";
    static final String QUEUE = "saveEntriesQueue";
    static final String DLQ = "saveEntriesQueue-dlq";
    static final int DEFAULT_ROUNDS = 1;
    /** single-thread GetItem / UpdateItem calls timed in each raw-write phase */
    static final int SEQUENTIAL_CALLS = 1_000;

    static final int DEFAULT_N = 20_000;
    static final int DEFAULT_WARMUP = 20_000;
    static final String USAGE = "  replication:      [--n ENTRIES (default " + DEFAULT_N + ")] [--warmup W (default "
            + DEFAULT_WARMUP + ")] [--rounds R (default " + DEFAULT_ROUNDS + " for replication)]";
    private static final long POLL_MS = 250;
    private static final String WRITER_THREADS = "writer (BatchWriteItem threads)";
    private static final String ENTRY_STAND_IN = "entry stand-in (+ the stand-ins' HTTP dispatchers)";
    private static final String LOOP_THREADS = "hand-written loop (reader, receivers, batches, marks)";
    /** The hand-written loop's phase (within the raw-write phase), and its own table and queue (see measureLoop). */
    static final String LOOP = "loop";

    static final String LOOP_TABLE = "bench-replication-loop";
    static final String LOOP_QUEUE = "bench-replication-loop";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo;
    private final EntryWriter writer;
    private final EntryStandIn entryService;
    private String saveEntriesUrl;

    ReplicationBench(Options options, Path root, LocalStack stack) {
        super(NAME, "raw-write", QUEUE, DLQ, Phase::new, options, root, stack);
        this.dynamo = stack.dynamo();
        this.writer = new EntryWriter(dynamo, options.fillers());
        this.entryService = stack.standIns().entry();
    }

    /** bench/run replication [--n N] [--rounds R] [--warmup W]: this benchmark's own defaults (1 round: an app phase takes minutes). */
    static Options parse(String[] args) {
        int n = DEFAULT_N;
        int rounds = DEFAULT_ROUNDS;
        int warmup = DEFAULT_WARMUP;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + arg + "\n" + Options.usage() + "\n" + USAGE);
            }
            int value = Integer.parseInt(args[++i]);
            switch (arg) {
                case "--n" -> n = value;
                case "--rounds" -> rounds = value;
                case "--warmup" -> warmup = value;
                default ->
                    throw new IllegalArgumentException("unknown argument '" + arg + "' for replication\n" + USAGE);
            }
        }
        if (n <= 0 || rounds <= 0 || warmup < 0) {
            throw new IllegalArgumentException("--n and --rounds must be positive, --warmup at least 0");
        }
        // 2 writer threads (Options' "fillers"); consumers, connections, seconds are not used here
        return new Options(NAME, n, rounds, warmup, 2, 2, Options.DEFAULT_CONNECTIONS, Options.DEFAULT_SECONDS, 0);
    }

    /** One measured phase: the raw write of N items, or the app replicating N items. */
    static final class Phase extends AppVersusBaseline.Phase {
        public String campaignId;
        /** the timed window (wall clock), to cut the app's JFR recording (BENCH_APP_JFR=1) to it */
        public long startedAtEpochMs;

        public long endedAtEpochMs;
        public int entries;
        /** raw-write: first request .. last answer; app: first write request .. latest replicatedAt */
        public double seconds;

        public double entriesPerSec;
        public double writeSeconds;
        public double writeItemsPerSec;
        public long writeRequests;
        public long unprocessedRetried;
        /** the harness JVM's cores split by thread group */
        public Map<String, Double> benchJvmCoresByThreads;

        public int itemsFound;
        /** raw-write only: one thread, one call at a time, on items of this phase (as saveEntries' read and markReplicated) */
        public Double sequentialGetItemPerSec;

        public Double sequentialUpdateItemPerSec;
        /** the same single-thread UpdateItem calls while the writer writes more items (DynamoDB Local under a write burst) */
        public Double sequentialUpdateItemPerSecDuringWrites;

        public Double writeItemsPerSecWithUpdates;
        // app only
        public Double secondHalfEntriesPerSec;
        public Double firstHalfEntriesPerSec;
        public Double drainAfterWritesSeconds;
        /** entries replicated while the writer was still writing, and the rates before and after its last write */
        public Long replicatedWhileWriting;

        public Double entriesPerSecWhileWriting;
        public Double entriesPerSecAfterWrites;
        public Double detectedSeconds;
        public Double lagMsP50;
        public Double lagMsP90;
        public Double lagMsP99;
        public Double lagMsMax;
        public Double lagMsMin;
        public Double appCpuMsPerEntry;
        public Double dynamodbCpuMsPerEntry;
        /** DynamoDB Local's one database thread (every read and write, one after the other): cores over the phase */
        public Double dynamodbSqliteThreadCores;

        public Long entryServiceCalls;
        public Double entriesPerCall;
        public Long entriesUpserted;
        public Long distinctUpserted;
        public Long duplicateUpserts;
        public Long failedEntryServiceCalls;
        public Boolean upsertCountGap;
        public Long stillFlagged;
        public Long withoutReplicatedAt;
        public Long storedInStandIn;
        public Long storedWrong;
        /** saveEntriesQueue during the phase, sampled every second: the most messages visible, and in flight (received, not deleted) */
        public Integer queueMaxVisible;

        public Integer queueMaxInFlight;
        public Map<String, Object> readerAndWorker;
        public Integer warmupEntries;
        public Double warmupSeconds;
        // raw-write only: the hand-written loop's phase (system "loop"), measured and checked as the app's
        public Phase loop;
        /** loop only: CPU of the loop's threads in the harness JVM per entry; batches whose work failed */
        public Double loopCpuMsPerEntry;

        public Long loopFailedBatches;
    }

    @Override
    public Result<Phase> run() throws Exception {
        Result<Phase> result = start(
                new Result<>(),
                "; the writer and the entry stand-in run in the harness JVM, DynamoDB Local (in memory, "
                        + "-Xmx512m, SerialGC) in its own",
                "entriesPerPhase",
                "warmupPerAppPhase");
        result.settings.put(
                "writer",
                "BatchWriteItem of " + EntryWriter.BATCH + " items into demand-table from " + writer.threads()
                        + " threads (AWS SDK v2, in the bench JVM), the same writer for both systems; raw-write items needsReplication=false, "
                        + "app items needsReplication=true");
        result.settings.put(
                "item", EntryWriter.item("<campaign>", "<user>", true, "<now>").keySet());
        result.settings.put("campaignsPerPhase", 1);
        result.settings.put(
                "app",
                "target/quarkus-app/quarkus-run.jar, APP_STACK=replication (enqueueEntries, saveEntries, retryScore), "
                        + "-Xmx512m, profile local, fresh process per app phase" + extraAppOpts());
        result.settings.put("appConfig", appConfig());
        result.settings.put(
                "progress",
                "entry stand-in's recorded requests (PUT /campaigns/{c}/entries answered 200), every " + POLL_MS
                        + " ms, then a Query (filter needsReplication = true, Select COUNT) every " + POLL_MS
                        + " ms until 0");
        createLoopTable();
        // the harness JVM's and DynamoDB Local's own warm-up (writer, SDK, the server's JIT), not counted
        log("warming up the writer and DynamoDB Local (not counted)");
        EntryWriter.Written warm =
                writer.write("replication-r0-writer-warmup", Math.max(options.warmup(), 2_000), false);
        log("warm-up write: %.0f items/s", warm.itemsPerSec());
        runRounds(result);
        result.settings.put("streamShardsAtEnd", streamShards());
        summarize(result);
        return result;
    }

    @Override
    protected String describe(Phase phase) {
        if (!phase.system.equals(APP) && !phase.system.equals(LOOP)) {
            return String.format("%.0f items/s (%d in %.2f s)", phase.entriesPerSec, phase.entries, phase.seconds);
        }
        String cpu = phase.system.equals(APP)
                ? "app " + phase.coresUsed.getOrDefault(APP, 0.0) + " cores"
                : String.format(
                        "loop %.3f ms CPU/entry, DynamoDB Local %.3f",
                        phase.loopCpuMsPerEntry, phase.dynamodbCpuMsPerEntry);
        return String.format(
                "%.0f entries/s (%d in %.2f s; writes %.0f items/s; lag p50 %.0f ms, p99 %.0f ms; %s)",
                phase.entriesPerSec,
                phase.entries,
                phase.seconds,
                phase.writeItemsPerSec,
                phase.lagMsP50,
                phase.lagMsP99,
                cpu);
    }

    /** The raw write of N items (nobody reads the stream). */
    @Override
    protected void measureBaseline(Phase phase) throws Exception {
        phase.campaignId = "replication-r" + phase.round + "-raw";
        int n = options.messages();
        Window window = new Window(null);
        EntryWriter.Written written = writer.write(phase.campaignId, n, false);
        window.close(phase, written.seconds(), written);
        phase.startedAtEpochMs = written.firstSendEpochMs();
        phase.endedAtEpochMs = written.lastAckEpochMs();
        phase.entries = n;
        phase.seconds = Stats.round(written.seconds(), 3);
        phase.entriesPerSec = Stats.round(written.itemsPerSec(), 0);
        phase.writeSeconds = phase.seconds;
        phase.writeItemsPerSec = phase.entriesPerSec;
        phase.writeRequests = written.requests();
        phase.unprocessedRetried = written.unprocessedRetried();
        phase.itemsFound = (int) count(EntryWriter.TABLE, phase.campaignId, false);
        if (phase.itemsFound != n) {
            phase.problems.add(phase.itemsFound + " items found for " + n + " written");
        }
        sequentialCalls(phase);
        phase.loop = measureLoop(phase.round);
        phase.loop.problems.forEach(problem -> phase.problems.add("hand-written loop: " + problem));
        log("round %d hand-written loop: %s%s", phase.round, describe(phase.loop), problems(phase.loop));
    }

    /**
     * What the app's and the loop's phases share, with the replication ({@code app}, or the loop in this JVM when null)
     * running: W flagged warm-up entries written and awaited (not timed), the entry stand-in reset, then N flagged
     * entries of {@code phase.campaignId} written while they are replicated, awaited until all reached the entry
     * service and none is flagged; the window's CPU, the items (rate, lag) and the upserts (exactly once, what was
     * written) recorded into {@code phase}. Returns the window's seconds.
     */
    private double replicateMeasured(Phase phase, EntryWriter entries, AppProcess app, Supplier<String> diagnostics)
            throws Exception {
        String what = "round " + phase.round + " " + phase.system;
        int n = options.messages();
        if (options.warmup() > 0) {
            String warmCampaign = phase.campaignId + "-warmup";
            entryService.reset();
            EntryUpserts warmUpserts = new EntryUpserts(entryService, warmCampaign);
            long warmStart = System.nanoTime();
            entries.write(warmCampaign, options.warmup(), true);
            awaitUpserted(warmUpserts, options.warmup(), what + " warm-up", diagnostics, null);
            awaitUnflagged(entries.table(), warmCampaign, what + " warm-up", diagnostics);
            phase.warmupEntries = options.warmup();
            phase.warmupSeconds = Stats.round(Stats.seconds(System.nanoTime() - warmStart), 2);
            log(
                    "%s warm-up: %d entries replicated in %.1f s (a reader also goes through what the stream held before)",
                    what, options.warmup(), phase.warmupSeconds);
            // the reader still has the warm-up's flag-clearing records to skip: a few polls
            Thread.sleep(3_000);
        }
        entryService.reset();
        if (app != null) {
            checkDlqEmptyBefore(phase);
        }
        EntryUpserts upserts = new EntryUpserts(entryService, phase.campaignId);
        Window window = new Window(app);
        CompletableFuture<EntryWriter.Written> writes = CompletableFuture.supplyAsync(() -> {
            try {
                return entries.write(phase.campaignId, n, true);
            } catch (Exception e) {
                throw new IllegalStateException("writing " + phase.campaignId + " failed", e);
            }
        });
        awaitUpserted(upserts, n, what, diagnostics, app == null ? null : phase);
        awaitUnflagged(entries.table(), phase.campaignId, what, diagnostics);
        EntryWriter.Written written = writes.get(); // done: every entry reached the entry service
        double detected = window.close(phase, Double.NaN, written);
        phase.detectedSeconds = Stats.round(detected, 3);
        phase.entries = n;
        phase.startedAtEpochMs = written.firstSendEpochMs();
        phase.endedAtEpochMs = System.currentTimeMillis();
        phase.writeSeconds = Stats.round(written.seconds(), 3);
        phase.writeItemsPerSec = Stats.round(written.itemsPerSec(), 0);
        phase.writeRequests = written.requests();
        phase.unprocessedRetried = written.unprocessedRetried();
        verifyItems(phase, written, entries.table());
        phase.dynamodbCpuMsPerEntry =
                Stats.round(phase.coresUsed.getOrDefault("dynamodb", Double.NaN) * detected * 1000 / n, 3);
        Thread.sleep(1_000); // a late duplicate upsert would show now
        upserts.poll();
        verifyUpserts(phase, upserts, entries.table());
        return detected;
    }

    /**
     * The hand-written loop ({@link ReplicationLoop}) in this JVM, on a table of demand-table's shape and stream and a
     * queue of its own (so the app's reader never meets its entries): W flagged entries first (its warm-up, as the
     * app's), then N flagged entries of a fresh campaign written while it replicates them, measured and checked as
     * the app's phase is.
     */
    private Phase measureLoop(int round) throws Exception {
        Phase loop = new Phase();
        loop.system = LOOP;
        loop.round = round;
        loop.campaignId = "replication-r" + round + "-loop";
        int n = options.messages();
        stack.createTestQueue(LOOP_QUEUE);
        EntryWriter loopWriter = new EntryWriter(dynamo, writer.threads(), LOOP_TABLE);
        try (ReplicationLoop replication = new ReplicationLoop(
                dynamo,
                stack.dynamoStreams(),
                stack.sqs(),
                entryService.baseUrl(),
                LOOP_TABLE,
                queues.url(LOOP_QUEUE))) {
            Supplier<String> diagnostics =
                    () -> "loop queue depth " + queues.depth(LOOP_QUEUE) + ", failed batches " + replication.failures();
            replication.start();
            double detected = replicateMeasured(loop, loopWriter, null, diagnostics);
            loop.loopCpuMsPerEntry = Stats.round(
                    loop.benchJvmCoresByThreads.getOrDefault(LOOP_THREADS, Double.NaN) * detected * 1000 / n, 3);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (queues.depth(LOOP_QUEUE) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            loop.queueDepthAfter = queues.depth(LOOP_QUEUE);
            if (loop.queueDepthAfter > 0) {
                loop.problems.add(loop.queueDepthAfter + " messages left in " + LOOP_QUEUE);
            }
            loop.loopFailedBatches = replication.failures();
            if (replication.failures() > 0) {
                loop.problems.add(replication.failures() + " batches failed");
            }
        }
        loop.correct = loop.problems.isEmpty();
        return loop;
    }

    /**
     * demand-table's key schema and stream, for the hand-written loop alone, with one item written at once, before
     * anything else of the run. DynamoDB Local 2.6 looks up a shard's oldest record on every write to its table, and
     * that lookup gets slower the more records of other streams precede the shard's first one: a table whose first
     * record came after 140 000 records of other tables took 200 items/s in batches and 17 single puts/s, against
     * 4 000 and 900 for the tables written first (2026-12-03, on DynamoDB Local alone). demand-table's first
     * records are the run's first; the loop's table must not be the one that comes last.
     */
    private void createLoopTable() {
        try {
            dynamo.createTable(b -> b.tableName(LOOP_TABLE)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder()
                                    .attributeName("pk")
                                    .attributeType(ScalarAttributeType.S)
                                    .build(),
                            AttributeDefinition.builder()
                                    .attributeName("sk")
                                    .attributeType(ScalarAttributeType.S)
                                    .build())
                    .keySchema(
                            KeySchemaElement.builder()
                                    .attributeName("pk")
                                    .keyType(KeyType.HASH)
                                    .build(),
                            KeySchemaElement.builder()
                                    .attributeName("sk")
                                    .keyType(KeyType.RANGE)
                                    .build())
                    .streamSpecification(StreamSpecification.builder()
                            .streamEnabled(true)
                            .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                            .build()));
        } catch (ResourceInUseException alreadyThere) {
            return;
        }
        dynamo.putItem(b -> b.tableName(LOOP_TABLE)
                .item(EntryWriter.item(
                        "replication-loop-seed", "seed", false, Instant.now().toString())));
    }

    /**
     * What saveEntries does per entry, one call at a time from one thread, on this phase's items (app not running):
     * a consistent GetItem (its read of the current state) and an UpdateItem that removes needsReplication and sets
     * replicatedAt, conditional on the item existing (markReplicated also compares updatedAt). The single-thread rate
     * of the latter is the ceiling of a batch step that writes its items one after the other.
     */
    private void sequentialCalls(Phase phase) {
        int calls = Math.min(SEQUENTIAL_CALLS, phase.entries);
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            Map<String, AttributeValue> key = key(phase.campaignId, EntryWriter.userId(phase.campaignId, i));
            dynamo.getItem(b -> b.tableName(EntryWriter.TABLE).key(key).consistentRead(true));
        }
        phase.sequentialGetItemPerSec = Stats.round(calls / Stats.seconds(System.nanoTime() - start), 0);
        start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            Map<String, AttributeValue> key = key(phase.campaignId, EntryWriter.userId(phase.campaignId, i));
            dynamo.updateItem(b -> b.tableName(EntryWriter.TABLE)
                    .key(key)
                    .updateExpression("REMOVE needsReplication SET replicatedAt = :now")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(
                            Map.of(":now", AttributeValue.fromS(Instant.now().toString()))));
        }
        phase.sequentialUpdateItemPerSec = Stats.round(calls / Stats.seconds(System.nanoTime() - start), 0);
        // again, on the next items, while the writer writes N/4 more (unflagged) items of another campaign
        int extra = Math.max(EntryWriter.BATCH, phase.entries / 4);
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        CompletableFuture<EntryWriter.Written> burst = CompletableFuture.supplyAsync(() -> {
            try {
                return writer.write(phase.campaignId + "-burst", extra, false);
            } catch (Exception e) {
                throw new IllegalStateException("the write burst failed", e);
            } finally {
                writing.set(false);
            }
        });
        int updated = 0;
        start = System.nanoTime();
        for (int i = calls; writing.get() && i < phase.entries; i++) {
            Map<String, AttributeValue> key = key(phase.campaignId, EntryWriter.userId(phase.campaignId, i));
            dynamo.updateItem(b -> b.tableName(EntryWriter.TABLE)
                    .key(key)
                    .updateExpression("REMOVE needsReplication SET replicatedAt = :now")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(
                            Map.of(":now", AttributeValue.fromS(Instant.now().toString()))));
            updated++;
        }
        double seconds = Stats.seconds(System.nanoTime() - start);
        phase.sequentialUpdateItemPerSecDuringWrites = Stats.round(updated / seconds, 0);
        phase.writeItemsPerSecWithUpdates = Stats.round(burst.join().itemsPerSec(), 0);
        log(
                "round %d single thread, %d calls each: GetItem %.0f/s, UpdateItem %.0f/s; UpdateItem while %d more items are written: %.0f/s "
                        + "(%d calls; the writer meanwhile %.0f items/s)",
                phase.round,
                calls,
                phase.sequentialGetItemPerSec,
                phase.sequentialUpdateItemPerSec,
                extra,
                phase.sequentialUpdateItemPerSecDuringWrites,
                updated,
                phase.writeItemsPerSecWithUpdates);
    }

    private static Map<String, AttributeValue> key(String campaign, String user) {
        return Map.of("pk", AttributeValue.fromS("CAMPAIGN#" + campaign), "sk", AttributeValue.fromS("USER#" + user));
    }

    /**
     * The replication stack (enqueueEntries, saveEntries, retryScore). saveEntries logs its clean batches at DEBUG; the
     * batch statistics come from those lines, so its logger is at DEBUG here (a line per batch of 25, not per entry).
     */
    @Override
    protected AppProcess startApp(Path log, Path jfr) throws Exception {
        Map<String, String> config = new java.util.LinkedHashMap<>(stack.appConfig());
        config.put("quarkus.log.category.\"regworkers.replication.EntryReplication\".level", "DEBUG");
        return AppProcess.startStack(root, appJar(), NAME, config, log, jfr);
    }

    /** Warm-up, reset, then N flagged entries written while the app replicates them, then the checks. */
    @Override
    protected void measureApp(Phase phase, AppProcess app) throws Exception {
        phase.campaignId = "replication-r" + phase.round + "-app";
        Supplier<String> diagnostics = () -> queueDepths() + "; app log " + app.log() + ":\n" + app.logTail(20);
        double detected = replicateMeasured(phase, writer, app, diagnostics);
        phase.appCpuMsPerEntry =
                Stats.round(phase.coresUsed.getOrDefault(APP, Double.NaN) * detected * 1000 / phase.entries, 3);
        // the last deletes may still be on their way: up to 30 s for the queue to empty
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (queues.depth(QUEUE) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        checkQueuesEmpty(phase);
        phase.readerAndWorker = readerAndWorker(app.log(), phase.startedAtEpochMs, phase.endedAtEpochMs);
    }

    /**
     * The CPU of a phase ({@link CpuWindow}: every process, the app by thread kind, this JVM by thread group), with
     * DynamoDB Local told apart from "other" and the writer's threads (ended by the time it closes) added.
     */
    private static final class Window {
        private final CpuWindow cpu;
        private final double dynamodbBefore = dynamodbCpuSeconds();
        private final double sqliteBefore = sqliteThreadCpuSeconds();

        Window(AppProcess app) {
            this.cpu = CpuWindow.open(app, ReplicationBench::threadGroup);
        }

        /**
         * CPU seconds of the DynamoDB Local JVM. ProcessCpu counts it as "other": its command line names the class
         * ServerRunner and the jars of dynamodb/lib, not "DynamoDBLocal"; here it is told apart by its main class.
         */
        static double dynamodbCpuSeconds() {
            return ProcessHandle.current()
                    .descendants()
                    .filter(p -> String.join(" ", p.info().arguments().orElse(new String[0]))
                            .contains("dynamodbv2.local.main.ServerRunner"))
                    .mapToDouble(p ->
                            p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9)
                    .sum();
        }

        /**
         * CPU seconds of DynamoDB Local's "SQLiteQueue[]" thread, which runs every read and write of its database one
         * after the other (from /proc, in clock ticks of 10 ms); NaN where /proc cannot tell.
         */
        static double sqliteThreadCpuSeconds() {
            return ProcessHandle.current()
                    .descendants()
                    .filter(p -> String.join(" ", p.info().arguments().orElse(new String[0]))
                            .contains("dynamodbv2.local.main.ServerRunner"))
                    .mapToDouble(Window::sqliteThreadCpuSeconds)
                    .sum();
        }

        private static double sqliteThreadCpuSeconds(ProcessHandle dynamodb) {
            Path tasks = Path.of("/proc", Long.toString(dynamodb.pid()), "task");
            try (var threads = Files.list(tasks)) {
                return threads.mapToDouble(task -> {
                            try {
                                if (!Files.readString(task.resolve("comm"))
                                        .trim()
                                        .equals("SQLiteQueue[]")) {
                                    return 0;
                                }
                                String stat = Files.readString(task.resolve("stat"));
                                String[] fields = stat.substring(stat.lastIndexOf(')') + 2)
                                        .split(" ");
                                // fields 14 and 15 of stat (utime, stime), counted from the state (field 3)
                                return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
                            } catch (IOException | RuntimeException gone) {
                                return 0;
                            }
                        })
                        .sum();
            } catch (IOException e) {
                return Double.NaN;
            }
        }

        /**
         * Records the CPU over the window into {@code phase}, the writer's threads from {@code written}; returns the
         * window's seconds (or {@code seconds} if given).
         */
        double close(Phase phase, double seconds, EntryWriter.Written written) {
            CpuWindow.Used used = Double.isNaN(seconds) ? cpu.close() : cpu.close(seconds);
            double wall = used.wallSeconds();
            phase.cpu(used);
            if (!phase.coresUsed.containsKey("dynamodb")) {
                double dynamodb = Stats.round((dynamodbCpuSeconds() - dynamodbBefore) / wall, 2);
                phase.coresUsed.put("dynamodb", dynamodb);
                Double other = phase.coresUsed.remove("other");
                if (other != null && other - dynamodb > 0.005) {
                    phase.coresUsed.put("other", Stats.round(other - dynamodb, 2));
                }
            }
            phase.dynamodbSqliteThreadCores = Stats.round((sqliteThreadCpuSeconds() - sqliteBefore) / wall, 2);
            phase.benchJvmCoresByThreads = used.benchJvmCoresByThreads();
            phase.benchJvmCoresByThreads.put(WRITER_THREADS, Stats.round(written.writerCpuSeconds() / wall, 2));
            double grouped = phase.benchJvmCoresByThreads.values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sum();
            phase.benchJvmCoresByThreads.put(
                    "rest (polling, GC, JIT)",
                    Stats.round(Math.max(0, phase.coresUsed.getOrDefault("bench", 0.0) - grouped), 2));
            return wall;
        }
    }

    /** Reads the N items back: flags, replicatedAt, lag; the rate from the first write to the latest replicatedAt. */
    private void verifyItems(Phase phase, EntryWriter.Written written, String table) {
        int n = phase.entries;
        List<Map<String, AttributeValue>> items = query(table, phase.campaignId);
        phase.itemsFound = items.size();
        long flagged = 0;
        long withoutReplicatedAt = 0;
        List<Double> lags = new ArrayList<>(n);
        List<Long> replicatedAt = new ArrayList<>(n);
        for (Map<String, AttributeValue> item : items) {
            AttributeValue flag = item.get("needsReplication");
            if (flag != null && Boolean.TRUE.equals(flag.bool())) {
                flagged++;
            }
            AttributeValue replicated = item.get("replicatedAt");
            AttributeValue updated = item.get("updatedAt");
            if (replicated == null || replicated.s() == null) {
                withoutReplicatedAt++;
                continue;
            }
            Instant at = Instant.parse(replicated.s());
            replicatedAt.add(at.toEpochMilli());
            if (updated != null && updated.s() != null) {
                lags.add(Duration.between(Instant.parse(updated.s()), at).toNanos() / 1e6);
            }
        }
        phase.stillFlagged = flagged;
        phase.withoutReplicatedAt = withoutReplicatedAt;
        if (phase.itemsFound != n) {
            phase.problems.add(phase.itemsFound + " items found for " + n + " written");
        }
        if (flagged > 0) {
            phase.problems.add(flagged + " items still flagged needsReplication");
        }
        if (withoutReplicatedAt > 0) {
            phase.problems.add(withoutReplicatedAt + " items without replicatedAt");
        }
        lags.sort(null);
        replicatedAt.sort(null);
        phase.lagMsMin = lags.isEmpty() ? null : Stats.round(lags.get(0), 1);
        phase.lagMsP50 = percentile(lags, 0.50);
        phase.lagMsP90 = percentile(lags, 0.90);
        phase.lagMsP99 = percentile(lags, 0.99);
        phase.lagMsMax = lags.isEmpty() ? null : Stats.round(lags.get(lags.size() - 1), 1);
        if (replicatedAt.size() == n) {
            long last = replicatedAt.get(n - 1);
            long half = replicatedAt.get(n / 2 - 1);
            double seconds = (last - written.firstSendEpochMs()) / 1000.0;
            phase.seconds = Stats.round(seconds, 3);
            phase.entriesPerSec = Stats.round(n / seconds, 0);
            phase.firstHalfEntriesPerSec = Stats.round((n / 2) / ((half - written.firstSendEpochMs()) / 1000.0), 0);
            phase.secondHalfEntriesPerSec = Stats.round((n - n / 2) / ((last - half) / 1000.0), 0);
            phase.drainAfterWritesSeconds = Stats.round((last - written.lastAckEpochMs()) / 1000.0, 3);
            long whileWriting = replicatedAt.stream()
                    .filter(t -> t <= written.lastAckEpochMs())
                    .count();
            phase.replicatedWhileWriting = whileWriting;
            phase.entriesPerSecWhileWriting =
                    Stats.round(whileWriting / ((written.lastAckEpochMs() - written.firstSendEpochMs()) / 1000.0), 0);
            phase.entriesPerSecAfterWrites = last > written.lastAckEpochMs()
                    ? Stats.round((n - whileWriting) / ((last - written.lastAckEpochMs()) / 1000.0), 0)
                    : null;
        } else {
            phase.seconds = Double.NaN;
            phase.entriesPerSec = Double.NaN;
        }
    }

    /** Exactly once per entry, each stored with what was written. */
    private void verifyUpserts(Phase phase, EntryUpserts upserts, String table) {
        int n = phase.entries;
        phase.entryServiceCalls = upserts.calls();
        phase.entriesUpserted = upserts.entriesUpserted();
        phase.distinctUpserted = (long) upserts.distinct();
        phase.duplicateUpserts = upserts.duplicates();
        phase.failedEntryServiceCalls = upserts.failedCalls();
        phase.upsertCountGap = upserts.gap();
        phase.entriesPerCall =
                upserts.calls() == 0 ? 0 : Stats.round((double) upserts.entriesUpserted() / upserts.calls(), 2);
        long unexpected = upserts.upsertsByUser().keySet().stream()
                .filter(user -> !user.startsWith(phase.campaignId + "-u"))
                .count();
        if (upserts.distinct() != n || unexpected > 0) {
            phase.problems.add(upserts.distinct() + " distinct entries upserted for " + n + " written (" + unexpected
                    + " unexpected)");
        }
        if (upserts.duplicates() > 0) {
            phase.problems.add(upserts.duplicates() + " entries upserted more than once");
        }
        if (upserts.gap()) {
            phase.problems.add(
                    "more than 10 000 entry-service requests between two polls: the upsert counts may miss some");
        }
        Map<String, JsonNode> stored = entryService.entries(phase.campaignId);
        phase.storedInStandIn = (long) stored.size();
        Map<String, String> updatedAt = new HashMap<>();
        for (Map<String, AttributeValue> item : query(table, phase.campaignId)) {
            updatedAt.put(
                    item.get("globalUserId") == null
                            ? ""
                            : item.get("globalUserId").s(),
                    item.get("updatedAt") == null ? null : item.get("updatedAt").s());
        }
        JsonNode fields;
        try {
            fields = JSON.readTree(EntryWriter.FIELDS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        long wrong = stored.entrySet().stream()
                .filter(e -> !fields.equals(e.getValue().get("fields"))
                        || e.getValue().path("score").asInt(-1) != EntryWriter.SCORE
                        || !e.getValue().path("updatedAt").asText("").equals(updatedAt.get(e.getKey())))
                .count();
        phase.storedWrong = wrong;
        if (stored.size() != n) {
            phase.problems.add(stored.size() + " entries stored in the stand-in for " + n);
        }
        if (wrong > 0) {
            phase.problems.add(wrong + " entries stored with other fields, score or updatedAt than written");
        }
        if (upserts.failedCalls() > 0) {
            phase.problems.add(upserts.failedCalls() + " entry-service calls answered with an error");
        }
    }

    /**
     * Polls the stand-in's upserts every 250 ms until {@code count} distinct entries arrived; fails after a minute
     * without progress. With {@code phase} given, samples saveEntriesQueue's visible and in-flight counts every second
     * into it.
     */
    private void awaitUpserted(EntryUpserts upserts, int count, String what, Supplier<String> diagnostics, Phase phase)
            throws Exception {
        long[] polls = {0};
        LongSupplier upserted = () -> {
            if (phase != null && polls[0]++ % (1000 / POLL_MS) == 0) {
                sampleQueue(phase);
            }
            return upserts.poll();
        };
        awaitProgress(
                upserted,
                count,
                POLL_MS,
                now -> what + ": stuck at " + now + " of " + count + " entries upserted; " + diagnostics.get());
    }

    /** Queries the campaign's flagged items every 250 ms until there are none. */
    private void awaitUnflagged(String table, String campaign, String what, Supplier<String> diagnostics)
            throws Exception {
        long deadline = System.nanoTime() + STALL.toNanos();
        while (true) {
            long flagged = count(table, campaign, true);
            if (flagged == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": " + flagged + " items still flagged " + STALL.toSeconds()
                        + " s after every entry " + "reached the entry service; " + diagnostics.get());
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** Items of the campaign (all, or only the flagged ones), counted by DynamoDB (Select COUNT, consistent). */
    private long count(String table, String campaign, boolean onlyFlagged) {
        long count = 0;
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder request = QueryRequest.builder()
                    .tableName(table)
                    .consistentRead(true)
                    .select(Select.COUNT)
                    .keyConditionExpression("pk = :pk");
            if (onlyFlagged) {
                request.filterExpression("needsReplication = :t")
                        .expressionAttributeValues(Map.of(
                                ":pk",
                                AttributeValue.fromS("CAMPAIGN#" + campaign),
                                ":t",
                                AttributeValue.fromBool(true)));
            } else {
                request.expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CAMPAIGN#" + campaign)));
            }
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            QueryResponse response = dynamo.query(request.build());
            count += response.count();
            start = response.hasLastEvaluatedKey()
                            && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey()
                    : null;
        } while (start != null);
        return count;
    }

    /** The campaign's items: keys, flag, timestamps (consistent reads, every page). */
    private List<Map<String, AttributeValue>> query(String table, String campaign) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder request = QueryRequest.builder()
                    .tableName(table)
                    .consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .projectionExpression("globalUserId, needsReplication, replicatedAt, updatedAt")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CAMPAIGN#" + campaign)));
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            QueryResponse response = dynamo.query(request.build());
            items.addAll(response.items());
            start = response.hasLastEvaluatedKey()
                            && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey()
                    : null;
        } while (start != null);
        return items;
    }

    private void sampleQueue(Phase phase) {
        Map<QueueAttributeName, String> attributes = stack.sqs()
                .getQueueAttributes(b -> b.queueUrl(queueUrl())
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        int visible = Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
        int inFlight = Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        phase.queueMaxVisible = Math.max(phase.queueMaxVisible == null ? 0 : phase.queueMaxVisible, visible);
        phase.queueMaxInFlight = Math.max(phase.queueMaxInFlight == null ? 0 : phase.queueMaxInFlight, inFlight);
    }

    private String queueUrl() {
        if (saveEntriesUrl == null) {
            saveEntriesUrl = queues.url(QUEUE);
        }
        return saveEntriesUrl;
    }

    /** The shards of demand-table's stream now (DynamoDB Local). */
    private Object streamShards() {
        try {
            String arn = dynamo.describeTable(b -> b.tableName(EntryWriter.TABLE))
                    .table()
                    .latestStreamArn();
            return stack.dynamoStreams()
                    .describeStream(b -> b.streamArn(arn))
                    .streamDescription()
                    .shards()
                    .size();
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /**
     * From the app's log lines within the timed window: the stream reader's polls (records read, forwarded, skipped;
     * how many polls read the per-shard maximum) and saveEntries' batches (entries per batch), stale and superseded.
     */
    private Map<String, Object> readerAndWorker(Path log, long fromEpochMs, long toEpochMs) throws IOException {
        int maxPerShard = intProperty("replication.stream.max-records-per-shard", 1000);
        long polls = 0;
        long read = 0;
        long forwarded = 0;
        long skipped = 0;
        long pollsAtMax = 0;
        long batches = 0;
        long batched = 0;
        long firstBatchAt = -1;
        long lastBatchAt = -1;
        long stale = 0;
        long superseded = 0;
        for (String line : Files.readAllLines(log)) {
            long at;
            boolean poll = line.contains("Stream records forwarded to saveEntriesQueue");
            boolean batch = line.contains("Replicated a batch of entries");
            boolean staleLine = line.contains("Stale event skipped");
            boolean supersededLine = line.contains("Entry changed while it was replicated");
            if (!(poll || batch || staleLine || supersededLine) || !line.startsWith("{")) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
                at = Instant.parse(node.path("timestamp").asText()).toEpochMilli();
                if (at < fromEpochMs || at > toEpochMs) {
                    continue;
                }
            } catch (IOException | RuntimeException notJson) {
                continue;
            }
            JsonNode data = node.path("data");
            if (poll) {
                polls++;
                read += data.path("read").asLong();
                forwarded += data.path("forwarded").asLong();
                skipped += data.path("skipped").asLong();
                if (data.path("read").asLong() >= maxPerShard) {
                    pollsAtMax++;
                }
            } else if (batch) {
                batches++;
                batched += data.path("received").asLong();
                firstBatchAt = firstBatchAt < 0 ? at : firstBatchAt;
                lastBatchAt = at;
            } else if (staleLine) {
                stale++;
            } else {
                superseded++;
            }
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("readerPollsThatRead", polls);
        out.put("recordsRead", read);
        out.put("recordsForwarded", forwarded);
        out.put("recordsSkipped", skipped);
        out.put("pollsAtMaxRecordsPerShard", pollsAtMax);
        out.put("meanRecordsPerPoll", polls == 0 ? 0 : Stats.round((double) read / polls, 1));
        out.put("saveEntriesBatches", batches);
        out.put("meanEntriesPerBatch", batches == 0 ? 0 : Stats.round((double) batched / batches, 2));
        // the mean time from one batch's completion to the next (4 batches are worked on at once)
        out.put(
                "meanMsBetweenBatches",
                batches < 2 ? 0 : Stats.round((double) (lastBatchAt - firstBatchAt) / (batches - 1), 1));
        out.put("staleSkipped", stale);
        out.put("superseded", superseded);
        return out;
    }

    private static Double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return Stats.round(sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))), 1);
    }

    /** The app's settings this benchmark depends on, as this run sets them. */
    private Map<String, String> appConfig() {
        Map<String, String> config = new java.util.LinkedHashMap<>();
        for (String key : List.of(
                "replication.stream.poll-interval",
                "replication.stream.max-records-per-shard",
                "save-entries.batch-size",
                "save-entries.batch-wait",
                "services.entry.rate-limit",
                "queue.concurrent-consumers",
                "queue.max-messages-per-poll",
                "queue.worker-threads",
                "queue.max-unsettled")) {
            config.put(key, appProperty(key, "?") + (appPropertyOverridden(key) ? " (BENCH_APP_JAVA_OPTS)" : ""));
        }
        return config;
    }

    private int intProperty(String key, int fallback) {
        try {
            return Integer.parseInt(appProperty(key, Integer.toString(fallback)));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String threadGroup(String name) {
        if (name.startsWith("bench-writer")) {
            return WRITER_THREADS;
        }
        if (name.startsWith("loop-")) {
            return LOOP_THREADS;
        }
        if (name.startsWith("entry-stand-in") || name.startsWith("HTTP-Dispatcher")) {
            return ENTRY_STAND_IN;
        }
        return null;
    }

    private void summarize(Result<Phase> result) {
        putRatio(result, p -> p.entriesPerSec, "appEntriesPerSec", "rawWriteItemsPerSec", "ratioAppToRawWrite");
        putMedian(result, "appSecondHalfEntriesPerSec", APP, p -> p.secondHalfEntriesPerSec, 0);
        putMedian(result, "appEntriesPerSecWhileWriting", APP, p -> p.entriesPerSecWhileWriting, 0);
        putMedian(result, "appEntriesPerSecAfterWrites", APP, p -> p.entriesPerSecAfterWrites, 0);
        putMedian(result, "writeItemsPerSecDuringApp", APP, p -> p.writeItemsPerSec, 0);
        putMedian(result, "lagMsP50", APP, p -> p.lagMsP50, 0);
        putMedian(result, "lagMsP99", APP, p -> p.lagMsP99, 0);
        putMedian(result, "appCpuMsPerEntry", APP, p -> p.appCpuMsPerEntry, 3);
        putMedian(result, "dynamodbCpuMsPerEntry", APP, p -> p.dynamodbCpuMsPerEntry, 3);
        putMedian(result, "entriesPerEntryServiceCall", APP, p -> p.entriesPerCall, 2);
        putMedian(result, "appStartupSeconds", APP, p -> p.startupSeconds, 2);
        for (String system : List.of(APP, baseline)) {
            putMedian(result, system + "MachineBusy", system, p -> p.machineBusy, 2);
            for (String role : List.of(APP, "bench", "dynamodb", "fauxqs")) {
                putMedian(result, system + "Cores." + role, system, p -> p.coresUsed.getOrDefault(role, Double.NaN), 2);
            }
        }
        // the hand-written loop, measured within the raw-write phase
        putMedian(result, "loopEntriesPerSec", baseline, p -> p.loop == null ? Double.NaN : p.loop.entriesPerSec, 0);
        double app = (Double) result.medians.get("appEntriesPerSec");
        double loop = (Double) result.medians.get("loopEntriesPerSec");
        result.medians.put("ratioAppToLoop", Stats.round(app / loop, 3));
        putMedian(result, "loopLagMsP50", baseline, p -> p.loop == null ? Double.NaN : p.loop.lagMsP50, 0);
        putMedian(result, "loopLagMsP99", baseline, p -> p.loop == null ? Double.NaN : p.loop.lagMsP99, 0);
        putMedian(
                result, "loopCpuMsPerEntry", baseline, p -> p.loop == null ? Double.NaN : p.loop.loopCpuMsPerEntry, 3);
        putMedian(
                result,
                "loopDynamodbCpuMsPerEntry",
                baseline,
                p -> p.loop == null ? Double.NaN : p.loop.dynamodbCpuMsPerEntry,
                3);
        putMedian(result, "loopMachineBusy", baseline, p -> p.loop == null ? Double.NaN : p.loop.machineBusy, 2);
        putMedian(
                result,
                "loopDynamodbSqliteThreadCores",
                baseline,
                p -> p.loop == null ? Double.NaN : p.loop.dynamodbSqliteThreadCores,
                2);
        putMedian(result, "appDynamodbSqliteThreadCores", APP, p -> p.dynamodbSqliteThreadCores, 2);
        putMedian(result, "rawWriteDynamodbSqliteThreadCores", baseline, p -> p.dynamodbSqliteThreadCores, 2);
        // the raw write's single-thread calls
        putMedian(result, "sequentialGetItemPerSec", baseline, p -> p.sequentialGetItemPerSec, 0);
        putMedian(result, "sequentialUpdateItemPerSec", baseline, p -> p.sequentialUpdateItemPerSec, 0);
        putMedian(
                result,
                "sequentialUpdateItemPerSecDuringWrites",
                baseline,
                p -> p.sequentialUpdateItemPerSecDuringWrites,
                0);
    }

    @Override
    public String table(Result<Phase> result) {
        StringBuilder out = new StringBuilder(result.header(
                "replication: demand-table -> enqueueEntries -> " + QUEUE + " -> saveEntries -> entry service"));
        out.append(String.format(
                "%-6s %-9s %4s %9s %8s %9s %9s %9s %9s %8s %8s %9s %6s %4s  %s%n",
                "round",
                "system",
                "pos",
                "entries/s",
                "seconds",
                "2nd half",
                "write/s",
                "lag p50",
                "lag p99",
                "calls",
                "e/call",
                "startup s",
                "RSS MB",
                "ok",
                "cores by process; app by thread kind or harness by thread group; busy"));
        for (Phase p : result.phases) {
            boolean app = p.system.equals("app");
            out.append(String.format(
                    "%-6d %-9s %4d %9.0f %8.2f %9s %9.0f %9s %9s %8s %8s %9s %6s %4s  %s %s busy=%.0f%%%n",
                    p.round,
                    p.system,
                    p.position,
                    p.entriesPerSec,
                    p.seconds,
                    app ? String.format("%.0f", p.secondHalfEntriesPerSec) : "-",
                    p.writeItemsPerSec,
                    app ? String.format("%.0f ms", p.lagMsP50) : "-",
                    app ? String.format("%.0f ms", p.lagMsP99) : "-",
                    app ? p.entryServiceCalls : "-",
                    app ? p.entriesPerCall : "-",
                    app ? String.format("%.2f", p.startupSeconds) : "-",
                    app ? String.format("%.0f/%.0f", p.rssIdleMb, p.rssAfterLoadMb) : "-",
                    p.correct ? "yes" : "NO",
                    p.coresUsed,
                    app ? p.appCoresByThreadKind : p.benchJvmCoresByThreads,
                    p.machineBusy * 100));
            if (!app) {
                out.append("       one thread, one call at a time: GetItem (consistent) ")
                        .append(p.sequentialGetItemPerSec)
                        .append("/s, UpdateItem ")
                        .append(p.sequentialUpdateItemPerSec)
                        .append("/s; UpdateItem while the writer writes N/4 more: ")
                        .append(p.sequentialUpdateItemPerSecDuringWrites)
                        .append("/s (writer ")
                        .append(p.writeItemsPerSecWithUpdates)
                        .append(" items/s)\n");
                if (p.loop != null) {
                    out.append("       hand-written loop: ")
                            .append(describe(p.loop))
                            .append("; cores ")
                            .append(p.loop.coresUsed)
                            .append(' ')
                            .append(p.loop.benchJvmCoresByThreads)
                            .append(String.format(" busy=%.0f%%%n", p.loop.machineBusy * 100));
                }
            }
            if (app) {
                out.append("       reader/worker: ")
                        .append(p.readerAndWorker)
                        .append("; app CPU ")
                        .append(p.appCpuMsPerEntry)
                        .append(" ms/entry, DynamoDB Local ")
                        .append(p.dynamodbCpuMsPerEntry)
                        .append(" ms/entry; replicated while the writer ran: ")
                        .append(p.replicatedWhileWriting)
                        .append(" (")
                        .append(p.entriesPerSecWhileWriting)
                        .append("/s), after its last write: ")
                        .append(p.entriesPerSecAfterWrites)
                        .append("/s for ")
                        .append(p.drainAfterWritesSeconds)
                        .append(" s; ")
                        .append(QUEUE)
                        .append(" at most ")
                        .append(p.queueMaxVisible)
                        .append(" visible, ")
                        .append(p.queueMaxInFlight)
                        .append(" in flight\n");
            }
        }
        out.append(
                "entries/s: raw-write = N / write time; app = N / (first write .. latest replicatedAt); lag = replicatedAt - updatedAt\n");
        out.append("app settings: ")
                .append(result.settings.get("appConfig"))
                .append("; stream shards at the end: ")
                .append(result.settings.get("streamShardsAtEnd"))
                .append('\n');
        out.append("medians:\n");
        result.medians.forEach((key, value) -> out.append(String.format("  %-30s %s%n", key, value)));
        out.append(
                        "all phases correct (every entry upserted exactly once with what was written, none flagged, queue and DLQ empty): ")
                .append(result.allCorrect)
                .append('\n');
        out.append(phaseProblems(result));
        return out.toString();
    }
}
