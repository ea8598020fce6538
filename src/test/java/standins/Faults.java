package standins;

/**
 * Faults a stand-in injects into its service operations (never into {@code /_admin}).
 *
 * @param latencyMs       delay before every answer
 * @param errorRate       share of requests answered 503 (0..1)
 * @param throttleRate    share of requests answered 429 with {@code Retry-After: 1} (0..1)
 * @param down            answer 503 to every request
 * @param failStatus      answer this status to every request (401 for rotated credentials, say); 0 = none
 * @param maintenancePage answer every request 200 with an HTML page instead of the contract's JSON
 */
public record Faults(
        long latencyMs, double errorRate, double throttleRate, boolean down, int failStatus, boolean maintenancePage) {

    public static final Faults NONE = new Faults(0, 0, 0, false, 0, false);

    public Faults {
        if (latencyMs < 0) {
            throw new IllegalArgumentException("latencyMs must be >= 0");
        }
        requireRate("errorRate", errorRate);
        requireRate("throttleRate", throttleRate);
        if (failStatus != 0 && (failStatus < 100 || failStatus > 599)) {
            throw new IllegalArgumentException("failStatus must be an HTTP status or 0");
        }
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

    public static Faults status(int status) {
        return new Faults(0, 0, 0, false, status, false);
    }

    public static Faults maintenance() {
        return new Faults(0, 0, 0, false, 0, true);
    }

    public Faults withLatencyMs(long value) {
        return new Faults(value, errorRate, throttleRate, down, failStatus, maintenancePage);
    }

    public Faults withErrorRate(double value) {
        return new Faults(latencyMs, value, throttleRate, down, failStatus, maintenancePage);
    }

    public Faults withThrottleRate(double value) {
        return new Faults(latencyMs, errorRate, value, down, failStatus, maintenancePage);
    }

    public Faults withDown(boolean value) {
        return new Faults(latencyMs, errorRate, throttleRate, value, failStatus, maintenancePage);
    }

    private static void requireRate(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be within 0..1");
        }
    }
}
