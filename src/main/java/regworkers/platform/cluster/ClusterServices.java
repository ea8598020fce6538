package regworkers.platform.cluster;

import java.time.Duration;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.cluster.CamelClusterService;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The cluster service behind every {@code master:} route (Camel finds it in its registry). */
public class ClusterServices {

    @Produces
    @Singleton
    @Named("leaseClusterService")
    CamelClusterService leaseClusterService(DynamoDbClient dynamodb,
            @ConfigProperty(name = "cluster.lease-table") String table,
            @ConfigProperty(name = "cluster.lease-duration") Duration leaseDuration) {
        return new LeaseClusterService(dynamodb, table, leaseDuration);
    }
}
