package regworkers.platform;

import java.util.List;

/**
 * A counter a worker registers at 0 when it starts, so dashboards and alerts (ops/) have its series before its first
 * event. A stack declares its counters with producer methods; {@link ExpectedCounters} registers those of the workers
 * this process runs.
 *
 * @param tag    the tag whose every value gets a series, or null for a counter without tags
 */
public record ExpectedCounter(Worker worker, String name, String tag, List<String> values) {

    public static ExpectedCounter of(Worker worker, String name) {
        return new ExpectedCounter(worker, name, null, List.of());
    }

    public static ExpectedCounter of(Worker worker, String name, String tag, List<String> values) {
        return new ExpectedCounter(worker, name, tag, List.copyOf(values));
    }
}
