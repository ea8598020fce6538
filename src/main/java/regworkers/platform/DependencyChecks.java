package regworkers.platform;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceBreakers;
import regworkers.platform.services.ServicesConfig;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Whether each connection a worker uses answers. {@link #check} is readiness' view (can this process reach it);
 * {@link #probe} is a paused worker's: a real call that the dependency must answer as a working one would.
 */
@ApplicationScoped
public class DependencyChecks {
    @Inject
    SqsClient sqs;

    @Inject
    SnsClient sns;

    @Inject
    DynamoDbClient dynamodb;

    @Inject
    ServiceBreakers breakers;

    @Inject
    KafkaConfig kafka;

    @Inject
    RedisConfig redis;

    @Inject
    DynamoDbConfig tables;

    @Inject
    ServicesConfig services;

    @Inject
    HealthConfig health;

    private volatile Admin kafkaAdmin;

    /** Built on a paused worker's first probe: the first readiness check, at start, does not pay for it. */
    private volatile HttpClient http;

    /**
     * Empty when the dependency works again, else why not: a service must answer its probe request
     * ({@code services.<name>.probe-path}, GET with our API key) with any status below 500 other than 401, 403 and
     * 429, and its circuit breaker must not be open; Kafka must describe its cluster; SQS, SNS and DynamoDB must
     * answer a read.
     */
    public Optional<String> probe(Worker.Dependency dependency) {
        if (!dependency.name().endsWith("_SERVICE")) {
            return check(dependency);
        }
        ServicesConfig.ServiceConfig service = services.of(Service.of(dependency));
        try {
            URI uri = URI.create(service.url() + service.probePath());
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(uri).timeout(health.checkTimeout()).GET();
            service.apiKey().ifPresent(key -> request.header("x-api-key", key));
            HttpResponse<Void> response = http().send(request.build(), HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status >= 500 || status == 401 || status == 403 || status == 429) {
                return Optional.of("GET " + uri.getPath() + " answered " + status);
            }
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
                return Optional.of("GET " + uri.getPath() + " answered an HTML page, not the service's API");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (Exception e) {
            return Optional.of(
                    e.getClass().getSimpleName() + ": " + PiiRedactionFilter.redact(String.valueOf(e.getMessage())));
        }
        return breakerOpen(dependency) ? Optional.of("its circuit breaker is open") : Optional.empty();
    }

    /** Empty when the dependency answers, else why not. */
    public Optional<String> check(Worker.Dependency dependency) {
        Duration timeout = health.checkTimeout();
        String table = tables.table();
        try {
            switch (dependency) {
                case SQS -> sqs.listQueues(b -> b.maxResults(1).overrideConfiguration(o -> o.apiCallTimeout(timeout)));
                case SNS -> sns.listTopics(b -> b.overrideConfiguration(o -> o.apiCallTimeout(timeout)));
                case DYNAMODB ->
                    dynamodb.describeTable(
                            b -> b.tableName(table).overrideConfiguration(o -> o.apiCallTimeout(timeout)));
                case KAFKA ->
                    kafkaAdmin()
                            .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                            .nodes()
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                case REDIS -> tcpConnect(redis.url());
                default ->
                    tcpConnect(URI.create(services.of(Service.of(dependency)).url()));
            }
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of(
                    e.getClass().getSimpleName() + ": " + PiiRedactionFilter.redact(String.valueOf(e.getMessage())));
        }
    }

    private boolean breakerOpen(Worker.Dependency dependency) {
        return dependency.name().endsWith("_SERVICE") && breakers.isOpen(Service.of(dependency));
    }

    private void tcpConnect(URI uri) throws IOException {
        int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), (int)
                    health.checkTimeout().toMillis());
        }
    }

    private HttpClient http() {
        if (http == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(2))
                            .build();
                }
            }
        }
        return http;
    }

    private Admin kafkaAdmin() {
        if (kafkaAdmin == null) {
            synchronized (this) {
                if (kafkaAdmin == null) {
                    Duration timeout = health.checkTimeout();
                    Properties config = new Properties();
                    config.putAll(Map.of(
                            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                            kafka.brokers(),
                            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                            (int) timeout.toMillis(),
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                            (int) timeout.toMillis()));
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
