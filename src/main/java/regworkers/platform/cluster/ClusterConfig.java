package regworkers.platform.cluster;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** The leader lease of every {@code master:} route ({@code cluster.*}). */
@ConfigMapping(prefix = "cluster")
public interface ClusterConfig {

    String leaseTable();

    Duration leaseDuration();
}
