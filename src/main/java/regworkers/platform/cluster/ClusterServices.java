package regworkers.platform.cluster;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.cluster.CamelClusterService;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The cluster service behind every {@code master:} route (Camel finds it in its registry). */
public class ClusterServices {

    @Produces
    @Singleton
    @Named("leaseClusterService")
    CamelClusterService leaseClusterService(DynamoDbClient dynamodb, ClusterConfig config) {
        return new LeaseClusterService(dynamodb, config.leaseTable(), config.leaseDuration());
    }
}
