package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's CPU counters (/proc/stat, first line), to tell how busy both cores were during a phase. */
record CpuSample(long busy, long total) {

    static CpuSample now() {
        try {
            String[] fields =
                    Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                long value = Long.parseLong(fields[i]);
                total += value;
                if (i == 4 || i == 5) {
                    idle += value;
                }
            }
            return new CpuSample(total - idle, total);
        } catch (IOException | RuntimeException e) {
            return new CpuSample(0, 0);
        }
    }

    /** Share of all cores busy between {@code earlier} and this sample, 0..1. */
    double busySince(CpuSample earlier) {
        long total = this.total - earlier.total;
        return total <= 0 ? Double.NaN : (double) (this.busy - earlier.busy) / total;
    }
}
