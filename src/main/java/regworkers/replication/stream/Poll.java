package regworkers.replication.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import regworkers.platform.WorkerLog;
import software.amazon.awssdk.services.dynamodb.model.Record;

/** What one poll did so far; counting records also moves the meters. */
final class Poll {

    private static final WorkerLog LOG = WorkerLog.of(Poll.class);

    private final String id = "stream-poll-" + UUID.randomUUID();
    private final StreamMetrics metrics;
    private boolean leader;
    private int read;
    private int forwarded;
    private int skipped;
    private int failed;
    private int shards;
    private long lagMs;
    private String stopped;

    Poll(StreamMetrics metrics) {
        this.metrics = metrics;
    }

    /** The poll's correlation id: its log lines carry it, and so do the messages of records without an eventID. */
    String id() {
        return id;
    }

    void lead() {
        leader = true;
    }

    boolean leads() {
        return leader;
    }

    /** The first reason given is the one that stays. */
    void stop(String why) {
        if (stopped == null) {
            stopped = why;
        }
    }

    boolean stopped() {
        return stopped != null;
    }

    /** The records read of one shard; the lag is that of the newest record read in the poll. */
    void read(List<Record> records, Instant now) {
        read += records.size();
        if (records.isEmpty()) {
            return;
        }
        shards++;
        Instant created = records.get(records.size() - 1).dynamodb().approximateCreationDateTime();
        if (created != null) {
            lagMs = Math.max(lagMs, Math.max(0, Duration.between(created, now).toMillis()));
        }
    }

    void forwarded(int records) {
        forwarded += records;
        metrics.forwarded(records);
    }

    void skipped(int records) {
        skipped += records;
        metrics.skipped(records);
    }

    void failed(int records) {
        failed += records;
        metrics.failed(records);
    }

    long lagMs() {
        return lagMs;
    }

    PollSummary summary() {
        return new PollSummary(leader, read, forwarded, skipped, failed, shards, lagMs, stopped);
    }

    /** The poll's log line, when it read or failed anything. */
    void log() {
        if (read > 0 || failed > 0) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("read", read);
            data.put("forwarded", forwarded);
            data.put("skipped", skipped);
            data.put("failed", failed);
            data.put("shards", shards);
            data.put("lagMs", lagMs);
            LOG.info("Stream records forwarded to saveEntriesQueue", data);
        }
    }
}
