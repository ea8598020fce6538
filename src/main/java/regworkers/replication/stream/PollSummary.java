package regworkers.replication.stream;

/** What one poll did. {@code stopped} says why the poll stopped early, null when it did not. */
public record PollSummary(
        boolean leader, int read, int forwarded, int skipped, int failed, int shards, long lagMs, String stopped) {}
