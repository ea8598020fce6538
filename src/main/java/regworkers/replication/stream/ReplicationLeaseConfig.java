package regworkers.replication.stream;

import io.smallrye.config.ConfigMapping;

/** The table of enqueueEntries' leader lease and stream checkpoints ({@code replication.lease-table}; no stream). */
@ConfigMapping(prefix = "replication")
public interface ReplicationLeaseConfig {

    String leaseTable();
}
