package standins;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/**
 * One market's finite pool of codes {@code C-{marketId}-{n}}, n = 1..size. Codes are reserved in order, so
 * the pool only counts: codes 1..reservedCount are reserved, and a bit set says which of them are assigned.
 */
final class CodePool {

    private final String prefix;
    private int size;
    private int reservedCount;
    private final BitSet assigned = new BitSet();

    CodePool(String marketId) {
        this.prefix = "C-" + marketId + "-";
    }

    synchronized void grow(int count) {
        size += count;
    }

    synchronized int size() {
        return size;
    }

    synchronized int available() {
        return size - reservedCount;
    }

    /** Up to {@code count} unreserved codes, fewer (or none) when the pool runs dry. */
    synchronized List<String> reserve(int count) {
        int granted = Math.min(count, available());
        List<String> codes = new ArrayList<>(granted);
        for (int i = 0; i < granted; i++) {
            codes.add(code(++reservedCount));
        }
        return codes;
    }

    synchronized List<String> reserved() {
        List<String> codes = new ArrayList<>(reservedCount);
        for (int n = 1; n <= reservedCount; n++) {
            codes.add(code(n));
        }
        return codes;
    }

    synchronized List<String> assigned() {
        return assigned.stream().mapToObj(this::code).toList();
    }

    /** Marks all the codes assigned; or, when some are not reserved from this pool, marks none and returns those. */
    synchronized List<String> markAssigned(Collection<String> codes) {
        List<String> notReserved =
                codes.stream().filter(code -> reservedNumber(code) < 0).toList();
        if (notReserved.isEmpty()) {
            codes.forEach(code -> assigned.set(reservedNumber(code)));
        }
        return notReserved;
    }

    private String code(int n) {
        return prefix + n;
    }

    /** The n of a reserved code of this pool, or -1. */
    private int reservedNumber(String code) {
        if (!code.startsWith(prefix)) {
            return -1;
        }
        try {
            int n = Integer.parseInt(code.substring(prefix.length()));
            return n >= 1 && n <= reservedCount && code.equals(code(n)) ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
