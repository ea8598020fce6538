package regworkers.platform.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A Camel cluster service whose leadership is a lease item in the lease table (DynamoDB): the same conditional
 * acquire / renew / release with a fencing token as the stream reader's leader lease. A {@code master:<namespace>:}
 * route runs on the one replica holding the namespace's lease; a crashed leader loses it after {@code leaseDuration},
 * a stopped one gives it up at once. It works the same on this machine (DynamoDB Local) and in the cluster, so the
 * tests exercise what production runs (no Kubernetes lease cluster service resolves here).
 */
public final class LeaseClusterService extends AbstractCamelClusterService<LeaseClusterService.LeaseView> {

    private static final Logger LOG = Logger.getLogger(LeaseClusterService.class);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration leaseDuration;
    private final Duration renewEvery;
    private final String memberId = UUID.randomUUID().toString();
    private final Clock clock = Clock.systemUTC();

    public LeaseClusterService(DynamoDbClient dynamo, String table, Duration leaseDuration) {
        super("lease-cluster-service");
        this.dynamo = dynamo;
        this.table = table;
        this.leaseDuration = leaseDuration;
        this.renewEvery = leaseDuration.dividedBy(3);
    }

    @Override
    protected LeaseView createView(String namespace) {
        return new LeaseView(namespace);
    }

    /** One namespace's leadership: tried and renewed on a timer, released when the view stops. */
    final class LeaseView extends AbstractCamelClusterView {

        private final LeaseTable leases;
        private final Member local = new Member(memberId, true);
        private ScheduledExecutorService timer;
        private volatile Optional<LeaseTable.Lease> lease = Optional.empty();

        LeaseView(String namespace) {
            super(LeaseClusterService.this, namespace);
            this.leases = LeaseTable.leadership(dynamo, table, namespace);
        }

        @Override
        protected void doStart() {
            timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "leader-lease-" + getNamespace()));
            timer.scheduleWithFixedDelay(this::tryOrRenew, 0, renewEvery.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        protected void doStop() {
            timer.shutdownNow();
            lease.ifPresent(held -> leases.release(held, clock.instant()));
            setLease(Optional.empty());
        }

        private void tryOrRenew() {
            Instant now = clock.instant();
            try {
                Optional<LeaseTable.Lease> held = lease;
                setLease(
                        held.isPresent()
                                ? leases.renew(held.get(), now, leaseDuration)
                                : leases.acquire(memberId, now, leaseDuration));
            } catch (RuntimeException e) {
                // the table cannot be reached: keep leading only while the lease we hold has not expired
                if (lease.isPresent() && !lease.get().until().isAfter(clock.instant())) {
                    setLease(Optional.empty());
                }
                LOG.warnf("Leader lease of %s could not be renewed: %s", getNamespace(), e.getMessage());
            }
        }

        private synchronized void setLease(Optional<LeaseTable.Lease> next) {
            boolean wasLeader = lease.isPresent();
            lease = next;
            if (wasLeader != next.isPresent()) {
                LOG.infof("%s the leader of %s", next.isPresent() ? "Became" : "No longer", getNamespace());
                fireLeadershipChangedEvent(next.isPresent() ? Optional.of(local) : Optional.empty());
            }
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            return lease.isPresent() ? Optional.of(local) : Optional.empty();
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return local;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return List.of(local);
        }

        private final class Member implements CamelClusterMember {
            private final String id;
            private final boolean isLocal;

            Member(String id, boolean isLocal) {
                this.id = id;
                this.isLocal = isLocal;
            }

            @Override
            public boolean isLeader() {
                return lease.isPresent();
            }

            @Override
            public boolean isLocal() {
                return isLocal;
            }

            @Override
            public String getId() {
                return id;
            }
        }
    }
}
