package standins;

/**
 * Faults a stand-in injects into its service operations (never into {@code /_admin}).
 *
 * @param latencyMs    delay before every answer
 * @param errorRate    share of requests answered 503 (0..1)
 * @param throttleRate share of requests answered 429 with {@code Retry-After: 1} (0..1)
 * @param down         answer 503 to every request
 */
public record Faults(long latencyMs, double errorRate, double throttleRate, boolean down) {

    public static final Faults NONE = new Faults(0, 0, 0, false);

    public Faults {
        if (latencyMs < 0) {
            throw new IllegalArgumentException("latencyMs must be >= 0");
        }
        requireRate("errorRate", errorRate);
        requireRate("throttleRate", throttleRate);
    }

    public static Faults latency(long latencyMs) {
        return NONE.withLatencyMs(latencyMs);
    }

    public static Faults errors(double errorRate) {
        return NONE.withErrorRate(errorRate);
    }

    public static Faults throttling(double throttleRate) {
        return NONE.withThrottleRate(throttleRate);
    }

    public static Faults serviceDown() {
        return NONE.withDown(true);
    }

    public Faults withLatencyMs(long value) {
        return new Faults(value, errorRate, throttleRate, down);
    }

    public Faults withErrorRate(double value) {
        return new Faults(latencyMs, value, throttleRate, down);
    }

    public Faults withThrottleRate(double value) {
        return new Faults(latencyMs, errorRate, value, down);
    }

    public Faults withDown(boolean value) {
        return new Faults(latencyMs, errorRate, throttleRate, value);
    }

    private static void requireRate(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be within 0..1");
        }
    }
}
