package bench;

import java.util.List;

/**
 * Command line of bench.Bench: {@code [benchmark] [--n N] [--rounds R] [--warmup W] [--connections C] [--seconds D]
 * [--warmup-seconds S]}. A value not given is -1 here; {@link #resolved(String)} fills in the defaults of one
 * benchmark, so "all" can run each benchmark with its own defaults.
 */
record Options(
        String benchmark,
        int messages,
        int rounds,
        int warmup,
        int consumers,
        int fillers,
        List<Integer> connections,
        int seconds,
        int warmupSeconds) {

    static final List<String> BENCHMARKS = List.of("sendData", "processData", "checkEligibility", "upsertUsers");

    /** What "all" runs: the three above, then the ones that parse their own options, each with its defaults. */
    static final List<String> ALL = List.of(
            "startup",
            "sendData",
            "processData",
            "checkEligibility",
            "upsertUsers",
            "replication",
            "selection",
            "notification",
            "fleetLimit");

    static final int DEFAULT_MESSAGES = 20_000;
    /**
     * processData drains 20 000 messages in 3-4 s, too short a window for its rate to settle; 50 000 take 8-9 s, and
     * its app gets 4 N = 200 000 to warm up: a JFR of the app 60 000 messages in still showed C2 compiling the AWS
     * SDK's request pipeline (RetryableStage, the V4 signer, 0.4-1.4 s per compilation) at 0.4 of the app's 1.3 cores
     * through the measured phase; 200 000 in, 0.06 (bench/README.md "processData").
     */
    static final int DEFAULT_PROCESS_DATA_MESSAGES = 50_000;

    static final int DEFAULT_ROUNDS = 3;
    static final int DEFAULT_WARMUP = 2_000;
    static final int DEFAULT_USERS = 10_000;
    static final int DEFAULT_USERS_WARMUP = 2_000;
    /**
     * checkEligibility's closed loop runs at each of these connection counts; a target's peak is its best. At most 30
     * (24 by default): the app's Redis client pool (Quarkus defaults: 6 connections + 24 waiters) refuses more
     * concurrent cache reads, and a refused read is a cache miss, so the run would no longer measure cache hits.
     */
    static final List<Integer> DEFAULT_CONNECTIONS = List.of(8, 16, 24);

    static final int DEFAULT_SECONDS = 10;
    static final int DEFAULT_WARMUP_SECONDS = 120;

    static Options parse(String[] args) {
        String benchmark = "sendData";
        int messages = -1;
        int rounds = DEFAULT_ROUNDS;
        int warmup = -1;
        List<Integer> connections = DEFAULT_CONNECTIONS;
        int seconds = DEFAULT_SECONDS;
        int warmupSeconds = DEFAULT_WARMUP_SECONDS;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--n" -> messages = positive(arg, value(args, ++i));
                case "--rounds" -> rounds = positive(arg, value(args, ++i));
                case "--warmup" -> warmup = Integer.parseInt(value(args, ++i));
                case "--connections" ->
                    connections = java.util.Arrays.stream(value(args, ++i).split(","))
                            .map(c -> positive(arg, c.trim()))
                            .toList();
                case "--seconds" -> seconds = positive(arg, value(args, ++i));
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(value(args, ++i));
                case "-h", "--help" -> throw new IllegalArgumentException(usage());
                default -> {
                    if (arg.startsWith("-") || i > 0) {
                        throw new IllegalArgumentException("unknown argument '" + arg + "'\n" + usage());
                    }
                    benchmark = arg;
                }
            }
        }
        if (!BENCHMARKS.contains(benchmark) && !benchmark.equals("all")) {
            throw new IllegalArgumentException("unknown benchmark '" + benchmark + "'; known: "
                    + String.join(", ", BENCHMARKS) + ", all\n" + usage());
        }
        if ((messages > 0 && messages % 10 != 0) || (warmup > 0 && warmup % 10 != 0)) {
            throw new IllegalArgumentException("--n and --warmup must be multiples of 10 (SendMessageBatch of 10)");
        }
        // the app runs queue.concurrent-consumers=2 consumers per queue; the baselines match it; 2 filler threads
        return new Options(benchmark, messages, rounds, warmup, 2, 2, connections, seconds, warmupSeconds);
    }

    /** These options for one benchmark, with that benchmark's defaults where nothing was given. */
    Options resolved(String name) {
        boolean users = name.equals("upsertUsers");
        boolean processData = name.equals("processData");
        int n = messages > 0
                ? messages
                : users ? DEFAULT_USERS : processData ? DEFAULT_PROCESS_DATA_MESSAGES : DEFAULT_MESSAGES;
        int w = warmup >= 0
                ? warmup
                : users
                        ? DEFAULT_USERS_WARMUP
                        : warmsUpToSteadyState(name) ? (processData ? 4 : 3) * n : DEFAULT_WARMUP;
        return new Options(name, n, rounds, w, consumers, fillers, connections, seconds, warmupSeconds);
    }

    /**
     * SQS-to-SQS/Kafka benchmarks whose baseline loops run in the harness JVM, warmed by N messages first and far
     * less code to compile: the app's fresh JVM gets 3 N, so that both are measured compiled (with 2 000, a JFR of
     * processData had a third of the app's CPU in the JIT compilers; with N, sendData's C2 compilations of over
     * 100 ms ran into the measured phase and took 0.4 of the app's 1.0 cores).
     */
    private static boolean warmsUpToSteadyState(String name) {
        return name.equals("sendData") || name.equals("processData");
    }

    /** The benchmarks this command runs, in order. */
    List<String> benchmarks() {
        return benchmark.equals("all") ? ALL : List.of(benchmark);
    }

    static String usage() {
        return "usage: bench/run [sendData|processData|checkEligibility|upsertUsers|all] [--rounds R (default "
                + DEFAULT_ROUNDS
                + ")]   (all: every benchmark below but the fault suite, each with its defaults)\n"
                + "  sendData:         [--n MESSAGES (default " + DEFAULT_MESSAGES
                + ")] [--warmup W (default 3 N: the app's JIT compilers settle)]\n"
                + "  processData:      [--n MESSAGES (default " + DEFAULT_PROCESS_DATA_MESSAGES
                + ")] [--warmup W (default 4 N)]\n"
                + "  upsertUsers:      [--n USERS (default " + DEFAULT_USERS + ")] [--warmup W (default "
                + DEFAULT_USERS_WARMUP + ")]\n"
                + "  checkEligibility: [--connections C[,C...] (default "
                + DEFAULT_CONNECTIONS.toString().replaceAll("[\\[\\] ]", "")
                + ")] [--seconds D per phase (default " + DEFAULT_SECONDS
                + ")] [--warmup-seconds S, both routes together, before round 1 (default "
                + DEFAULT_WARMUP_SECONDS + ")]";
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value for " + args[i - 1] + "\n" + usage());
        }
        return args[i];
    }

    private static int positive(String name, String value) {
        int parsed = Integer.parseInt(value);
        if (parsed <= 0) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return parsed;
    }
}
