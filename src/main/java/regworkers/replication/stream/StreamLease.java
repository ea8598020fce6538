package regworkers.replication.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import regworkers.platform.Failures;
import regworkers.platform.WorkerLog;
import regworkers.platform.cluster.LeaseTable;
import regworkers.platform.cluster.LeaseTable.Lease;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The stream reader's leader lease in the lease table (the one lease mechanism, shared with the cluster service):
 * at most one process per consumer holds it. Calls that reach the lease table throw {@link SdkException} when it
 * cannot be reached.
 */
final class StreamLease {

    private static final WorkerLog LOG = WorkerLog.of(StreamLease.class);

    enum Hold {
        RENEWED,
        ACQUIRED,
        HELD_ELSEWHERE,
        LOST
    }

    private final LeaseTable table;
    private final String ownerId;
    private final String consumer;
    private final Duration duration;
    private final Clock clock;
    private Lease lease;

    StreamLease(LeaseTable table, String ownerId, String consumer, Duration duration, Clock clock) {
        this.table = table;
        this.ownerId = ownerId;
        this.consumer = consumer;
        this.duration = duration;
        this.clock = clock;
    }

    /** A unique owner id for this process: the host (the pod's name in Kubernetes) and a random part. */
    static String newOwnerId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (Exception unknown) {
                host = "unknown-host";
            }
        }
        return host + "-" + UUID.randomUUID();
    }

    String ownerId() {
        return ownerId;
    }

    boolean held() {
        return lease != null;
    }

    Lease current() {
        return lease;
    }

    /** Renews the lease this process holds, else takes it when it is free or expired. */
    Hold hold() {
        Instant now = clock.instant();
        if (lease != null) {
            Optional<Lease> renewed = table.renew(lease, now, duration);
            if (renewed.isEmpty()) {
                return Hold.LOST;
            }
            lease = renewed.get();
            return Hold.RENEWED;
        }
        Optional<Lease> acquired = table.acquire(ownerId, now, duration);
        if (acquired.isEmpty()) {
            return Hold.HELD_ELSEWHERE;
        }
        lease = acquired.get();
        LOG.info(
                "Stream lease acquired: this process reads the stream",
                Map.of(
                        "owner",
                        ownerId,
                        "consumer",
                        consumer,
                        "leaseUntil",
                        lease.until().toString()));
        return Hold.ACQUIRED;
    }

    /** Within a long poll: renews once a third of the lease has passed; false when it is no longer ours. */
    boolean renewIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(lease.renewedAt().plus(duration.dividedBy(3)))) {
            return true;
        }
        Optional<Lease> renewed = table.renew(lease, now, duration);
        renewed.ifPresent(ours -> lease = ours);
        return renewed.isPresent();
    }

    void lost(String why) {
        LOG.warn("Stream lease lost: reading stops", Map.of("owner", ownerId, "consumer", consumer, "why", why));
        lease = null;
    }

    /** Gives the lease up at once (graceful stop), so another replica need not wait for it to expire. */
    void release() {
        if (lease == null) {
            return;
        }
        Lease released = lease;
        lease = null;
        try {
            table.release(released, clock.instant());
            LOG.info("Stream lease released", Map.of("owner", ownerId, "consumer", consumer));
        } catch (SdkException e) {
            LOG.warn(
                    "Stream lease not released: another reader takes over once it expires",
                    Map.of("error", Failures.describe(e)));
        }
    }
}
