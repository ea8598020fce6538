package bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A small HTTP/1.1 load generator on plain blocking sockets (one thread per keep-alive connection), so that it
 * costs as little CPU as possible on the machine it shares with the app. Every request is the same prepared byte
 * array; every answer must be 200 and contain an expected byte string, or it is an error.
 * <ul>
 *   <li>{@link #closed}: C connections, each sends its next request as soon as the previous answer is read, for D
 *       seconds: the peak throughput. Latency = answer read - request written.</li>
 *   <li>{@link #open}: a constant arrival rate; request i is due at start + i/rate, whoever is free sends it (it
 *       waits until it is due); latency = answer read - due time, so a stall of the server (or of this generator)
 *       counts against every request that should have been sent meanwhile (no coordinated omission).</li>
 * </ul>
 * Only requests answered inside the window count. The CPU the generator's threads used in the window is measured
 * per thread (ThreadMXBean), to show how much of the shared machine the generator itself took.
 */
final class HttpLoad {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long LATE_NANOS = 1_000_000;

    private HttpLoad() {}

    /** One target: a prepared request to 127.0.0.1:port and the bytes every good answer contains. */
    record Target(String name, int port, byte[] request, byte[] expect, int bodyBytes) {

        static Target post(
                String name, int port, String path, Map<String, String> headers, String body, String expect) {
            byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("POST ")
                    .append(path)
                    .append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:")
                    .append(port)
                    .append("\r\n");
            headers.forEach((name1, value) ->
                    head.append(name1).append(": ").append(value).append("\r\n"));
            head.append("Content-Length: ").append(bodyBytes.length).append("\r\n\r\n");
            byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(headBytes, headBytes.length + bodyBytes.length);
            System.arraycopy(bodyBytes, 0, request, headBytes.length, bodyBytes.length);
            return new Target(name, port, request, expect.getBytes(StandardCharsets.UTF_8), bodyBytes.length);
        }
    }

    /** The numbers of one load phase. */
    static final class Result {
        public String target;
        public String mode;
        public int connections;
        public double seconds;
        /** open loop only: the arrival rate asked for */
        public Double targetRate;

        public long requests;
        public long errors;
        public Map<String, Long> errorKinds = new TreeMap<>();
        public String firstError;
        public double requestsPerSec;
        public double meanMs;
        public double p50Ms;
        public double p90Ms;
        public double p99Ms;
        public double p999Ms;
        public double maxMs;
        /** open loop only: requests sent more than 1 ms after they were due (all connections busy, or the generator late) */
        public Long lateSends;

        public Double maxSendLagMs;
        /** CPU of the generator's threads in the window, and that as cores */
        public double loadgenCpuSeconds;

        public double loadgenCores;
    }

    /** Closed loop: {@code connections} connections back to back for {@code duration}. */
    static Result closed(Target target, int connections, Duration duration) throws Exception {
        return run(target, connections, duration, 0);
    }

    /** Open loop: {@code rate} requests per second, spread over at most {@code connections} connections. */
    static Result open(Target target, int connections, double rate, Duration duration) throws Exception {
        return run(target, connections, duration, rate);
    }

    private static Result run(Target target, int connections, Duration duration, double rate) throws Exception {
        boolean open = rate > 0;
        List<Worker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                workers.add(new Worker(target, new Connection(target.port())));
            }
            CountDownLatch ready = new CountDownLatch(connections);
            long start = System.nanoTime() + 50_000_000; // everyone connected and parked before the clock starts
            long end = start + duration.toNanos();
            AtomicLong next = new AtomicLong();
            double interval = open ? 1e9 / rate : 0;
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < workers.size(); i++) {
                Worker worker = workers.get(i);
                Thread thread = new Thread(
                        () -> {
                            ready.countDown();
                            long cpuBefore = THREADS.getCurrentThreadCpuTime();
                            if (open) {
                                worker.open(start, end, next, interval);
                            } else {
                                worker.closed(start, end);
                            }
                            worker.cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuBefore;
                        },
                        "loadgen-" + target.name() + "-" + i);
                thread.setDaemon(true);
                threads.add(thread);
            }
            threads.forEach(Thread::start);
            ready.await();
            for (Thread thread : threads) {
                thread.join(duration.toMillis() + 60_000);
                if (thread.isAlive()) {
                    throw new IllegalStateException(
                            thread.getName() + " still running long after the window: the server stopped answering");
                }
            }
            return summarize(target, workers, duration, open ? rate : null);
        } finally {
            workers.forEach(worker -> worker.connection.close());
        }
    }

    private static Result summarize(Target target, List<Worker> workers, Duration duration, Double rate) {
        Result result = new Result();
        result.target = target.name();
        result.mode = rate == null ? "closed" : "open";
        result.connections = workers.size();
        result.seconds = Stats.seconds(duration.toNanos());
        result.targetRate = rate == null ? null : Stats.round(rate, 0);
        int total = 0;
        long cpu = 0;
        long late = 0;
        long maxLag = 0;
        for (Worker worker : workers) {
            total += worker.count;
            result.errors += worker.errors;
            worker.errorKinds.forEach((kind, count) -> result.errorKinds.merge(kind, count, Long::sum));
            if (result.firstError == null) {
                result.firstError = worker.firstError;
            }
            cpu += worker.cpuNanos;
            late += worker.late;
            maxLag = Math.max(maxLag, worker.maxLag);
        }
        long[] latencies = new long[total];
        int at = 0;
        for (Worker worker : workers) {
            System.arraycopy(worker.latencies, 0, latencies, at, worker.count);
            at += worker.count;
        }
        Arrays.sort(latencies);
        result.requests = total;
        result.requestsPerSec = Stats.round(total / result.seconds, 0);
        result.meanMs = Stats.round(Arrays.stream(latencies).average().orElse(Double.NaN) / 1e6, 3);
        result.p50Ms = percentileMs(latencies, 0.50);
        result.p90Ms = percentileMs(latencies, 0.90);
        result.p99Ms = percentileMs(latencies, 0.99);
        result.p999Ms = percentileMs(latencies, 0.999);
        result.maxMs = total == 0 ? Double.NaN : Stats.round(latencies[total - 1] / 1e6, 3);
        if (rate != null) {
            result.lateSends = late;
            result.maxSendLagMs = Stats.round(maxLag / 1e6, 3);
        }
        result.loadgenCpuSeconds = Stats.round(cpu / 1e9, 3);
        result.loadgenCores = Stats.round(cpu / 1e9 / result.seconds, 3);
        return result;
    }

    /** Nearest-rank percentile of sorted nanos, in ms. */
    private static double percentileMs(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return Stats.round(sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6, 3);
    }

    /** One connection's loop and its own counters (no sharing while it runs). */
    private static final class Worker {
        private final Target target;
        private final Connection connection;
        private long[] latencies = new long[16_384];
        private int count;
        private long errors;
        private final Map<String, Long> errorKinds = new TreeMap<>();
        private String firstError;
        private long late;
        private long maxLag;
        private volatile long cpuNanos;

        Worker(Target target, Connection connection) {
            this.target = target;
            this.connection = connection;
        }

        void closed(long start, long end) {
            parkUntil(start);
            while (true) {
                long sent = System.nanoTime();
                if (sent >= end) {
                    return;
                }
                boolean ok = exchange();
                long answered = System.nanoTime();
                if (answered > end) {
                    return;
                }
                if (ok) {
                    record(answered - sent);
                }
            }
        }

        void open(long start, long end, AtomicLong next, double interval) {
            while (true) {
                long due = start + (long) (next.getAndIncrement() * interval);
                if (due >= end) {
                    return;
                }
                long now = parkUntil(due);
                long lag = now - due;
                if (lag > LATE_NANOS) {
                    late++;
                }
                maxLag = Math.max(maxLag, lag);
                boolean ok = exchange();
                if (ok) {
                    record(System.nanoTime() - due);
                }
            }
        }

        private boolean exchange() {
            try {
                int status = connection.exchange(target.request(), target.expect());
                if (status == 200 && connection.matched) {
                    return true;
                }
                error(
                        status == 200
                                ? "200 without " + new String(target.expect(), StandardCharsets.UTF_8)
                                : "HTTP " + status,
                        "HTTP " + status + ": " + connection.lastBody());
            } catch (IOException | RuntimeException e) {
                error(e.getClass().getSimpleName(), e.toString());
                connection.reconnect();
            }
            return false;
        }

        private void error(String kind, String detail) {
            errors++;
            errorKinds.merge(kind, 1L, Long::sum);
            if (firstError == null) {
                firstError = detail;
            }
        }

        private void record(long nanos) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = nanos;
        }

        private static long parkUntil(long due) {
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            return now;
        }
    }

    /**
     * One keep-alive HTTP/1.1 connection: writes a request, reads the status line, the headers it needs
     * (Content-Length, Transfer-Encoding, Connection) and the body, and looks for the expected bytes in the body.
     */
    static final class Connection implements AutoCloseable {
        private final int port;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private byte[] buffer = new byte[16 * 1024];
        private int position;
        private int limit;
        private byte[] chunked = new byte[1024];
        private int bodyStart;
        private int bodyEnd;
        private byte[] bodyArray;
        boolean matched;

        Connection(int port) throws IOException {
            this.port = port;
            connect();
        }

        private void connect() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            position = 0;
            limit = 0;
        }

        void reconnect() {
            close();
            try {
                connect();
            } catch (IOException e) {
                // the next exchange fails again and counts as an error
            }
        }

        /** Sends the request and reads the whole answer; returns its status; {@link #matched} says if the body had expect. */
        int exchange(byte[] request, byte[] expect) throws IOException {
            out.write(request);
            int eol = lineEnd();
            if (eol - position < 12 || buffer[position] != 'H' || buffer[position + 8] != ' ') {
                throw new IOException("not an HTTP status line: "
                        + new String(buffer, position, Math.max(0, eol - position), StandardCharsets.ISO_8859_1));
            }
            int status = (buffer[position + 9] - '0') * 100
                    + (buffer[position + 10] - '0') * 10
                    + (buffer[position + 11] - '0');
            position = eol + 1;
            long contentLength = -1;
            boolean isChunked = false;
            boolean close = false;
            while (true) {
                eol = lineEnd();
                int end = eol > position && buffer[eol - 1] == '\r' ? eol - 1 : eol;
                if (end == position) {
                    position = eol + 1;
                    break;
                }
                if (startsWithIgnoreCase(position, end, "content-length:")) {
                    contentLength = Long.parseLong(ascii(position + 15, end).trim());
                } else if (startsWithIgnoreCase(position, end, "transfer-encoding:")) {
                    isChunked = ascii(position + 18, end).toLowerCase().contains("chunked");
                } else if (startsWithIgnoreCase(position, end, "connection:")) {
                    close = ascii(position + 11, end).toLowerCase().contains("close");
                }
                position = eol + 1;
            }
            if (isChunked) {
                readChunked();
            } else if (contentLength >= 0) {
                ensure((int) contentLength);
                bodyArray = buffer;
                bodyStart = position;
                bodyEnd = position + (int) contentLength;
                position = bodyEnd;
            } else {
                throw new IOException("answer without Content-Length or chunked encoding");
            }
            matched = indexOf(bodyArray, bodyStart, bodyEnd, expect) >= 0;
            if (close) {
                reconnect();
            }
            return status;
        }

        String lastBody() {
            if (bodyArray == null) {
                return "";
            }
            return new String(bodyArray, bodyStart, Math.min(bodyEnd - bodyStart, 500), StandardCharsets.UTF_8);
        }

        private void readChunked() throws IOException {
            int length = 0;
            while (true) {
                int eol = lineEnd();
                int end = eol;
                for (int i = position; i < eol; i++) {
                    if (buffer[i] == ';' || buffer[i] == '\r') {
                        end = i;
                        break;
                    }
                }
                int size = Integer.parseInt(ascii(position, end).trim(), 16);
                position = eol + 1;
                if (size == 0) {
                    // trailers, then the empty line
                    while (true) {
                        eol = lineEnd();
                        boolean empty = eol == position || (eol == position + 1 && buffer[position] == '\r');
                        position = eol + 1;
                        if (empty) {
                            break;
                        }
                    }
                    break;
                }
                ensure(size + 2);
                if (length + size > chunked.length) {
                    chunked = Arrays.copyOf(chunked, Math.max(chunked.length * 2, length + size));
                }
                System.arraycopy(buffer, position, chunked, length, size);
                length += size;
                position += size + 2;
            }
            bodyArray = chunked;
            bodyStart = 0;
            bodyEnd = length;
        }

        /** Index of the next '\n' at or after position, reading more as needed. */
        private int lineEnd() throws IOException {
            int scan = position;
            while (true) {
                for (; scan < limit; scan++) {
                    if (buffer[scan] == '\n') {
                        return scan;
                    }
                }
                scan -= compact();
                if (!fill()) {
                    throw new EOFException("the server closed the connection");
                }
            }
        }

        /** Makes sure {@code count} bytes from position are in the buffer. */
        private void ensure(int count) throws IOException {
            while (limit - position < count) {
                compact();
                if (buffer.length < count) {
                    buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, count));
                }
                if (!fill()) {
                    throw new EOFException("the server closed the connection in a body");
                }
            }
        }

        /** Moves the unread bytes to the start; returns by how much they moved. */
        private int compact() {
            int shift = position;
            if (shift > 0) {
                System.arraycopy(buffer, position, buffer, 0, limit - position);
                limit -= shift;
                position = 0;
            }
            if (limit == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            return shift;
        }

        private boolean fill() throws IOException {
            int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0) {
                return false;
            }
            limit += read;
            return true;
        }

        private boolean startsWithIgnoreCase(int from, int end, String prefix) {
            if (end - from < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (Character.toLowerCase(buffer[from + i]) != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private String ascii(int from, int end) {
            return new String(buffer, from, Math.max(0, end - from), StandardCharsets.ISO_8859_1);
        }

        private static int indexOf(byte[] data, int from, int end, byte[] needle) {
            outer:
            for (int i = from; i <= end - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (data[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        @Override
        public void close() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
