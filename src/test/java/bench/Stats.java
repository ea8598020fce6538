package bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Small helpers for the numbers of a benchmark: median, rounding, formatting. */
final class Stats {

    private Stats() {}

    static double median(List<Double> values) {
        List<Double> present = new ArrayList<>();
        for (Double value : values) {
            if (value != null && !value.isNaN()) {
                present.add(value);
            }
        }
        if (present.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(present);
        int middle = present.size() / 2;
        return present.size() % 2 == 1 ? present.get(middle) : (present.get(middle - 1) + present.get(middle)) / 2;
    }

    static double round(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
