package regworkers.platform;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Whether each connection a worker uses answers; used by readiness and by the consumers' circuit breakers. */
@ApplicationScoped
public class DependencyChecks {

    @Inject
    SqsClient sqs;
    @Inject
    SnsClient sns;
    @Inject
    DynamoDbClient dynamodb;
    @Inject
    CamelContext camel;
    @ConfigProperty(name = "kafka.brokers")
    String kafkaBrokers;
    @ConfigProperty(name = "dynamodb.table")
    String table;
    @ConfigProperty(name = "health.check-timeout")
    Duration timeout;

    private volatile Admin kafkaAdmin;

    /**
     * Whether a consumer may poll again: every dependency answers, and no service it calls has an open circuit
     * breaker (a service that answers TCP may still fail every call). Readiness does not use the breakers: a
     * failing downstream must not take this process out of its Service.
     */
    public boolean allUp(Collection<Worker.Dependency> dependencies) {
        return dependencies.stream().allMatch(dependency -> check(dependency).isEmpty() && !breakerOpen(dependency));
    }

    /** Empty when the dependency answers, else why not. */
    public Optional<String> check(Worker.Dependency dependency) {
        try {
            switch (dependency) {
                case SQS -> sqs.listQueues(b -> b.maxResults(1));
                case SNS -> sns.listTopics();
                case DYNAMODB -> dynamodb.describeTable(b -> b.tableName(table));
                case KAFKA -> kafkaAdmin().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                        .nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                case REDIS -> tcpConnect(serviceUrl("redis.url"));
                default -> tcpConnect(serviceUrl("services." + serviceName(dependency) + ".url"));
            }
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of(e.getClass().getSimpleName() + ": " + PiiRedactionFilter.redact(String.valueOf(e.getMessage())));
        }
    }

    private boolean breakerOpen(Worker.Dependency dependency) {
        if (!dependency.name().endsWith("_SERVICE")) {
            return false;
        }
        ResilienceProcessor breaker = camel.getProcessor("service-" + serviceName(dependency) + "-breaker", ResilienceProcessor.class);
        String state = breaker == null ? null : breaker.getCircuitBreakerState();
        return state != null && state.contains("OPEN") && !state.contains("HALF_OPEN");
    }

    private static String serviceName(Worker.Dependency dependency) {
        return dependency.name().replace("_SERVICE", "").toLowerCase();
    }

    private static URI serviceUrl(String property) {
        return ConfigProvider.getConfig().getValue(property, URI.class);
    }

    private void tcpConnect(URI uri) throws IOException {
        int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), (int) timeout.toMillis());
        }
    }

    private Admin kafkaAdmin() {
        if (kafkaAdmin == null) {
            synchronized (this) {
                if (kafkaAdmin == null) {
                    Properties config = new Properties();
                    config.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBrokers,
                            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()));
                    kafkaAdmin = Admin.create(config);
                }
            }
        }
        return kafkaAdmin;
    }

    @PreDestroy
    void close() {
        if (kafkaAdmin != null) {
            kafkaAdmin.close(Duration.ofSeconds(2));
        }
    }
}
