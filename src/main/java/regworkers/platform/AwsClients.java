package regworkers.platform;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS SDK clients, configured once: region, credentials (static keys when configured, else the default chain)
 * and an endpoint override per service when one is set (local servers). Camel's aws2 components autowire them.
 * The SDK connects lazily, so a process whose selected workers never use a client opens no connection with it.
 */
@ApplicationScoped
public class AwsClients {

    @ConfigProperty(name = "aws.region")
    String region;
    @ConfigProperty(name = "aws.access-key-id")
    Optional<String> accessKeyId;
    @ConfigProperty(name = "aws.secret-access-key")
    Optional<String> secretAccessKey;
    @ConfigProperty(name = "aws.sqs.endpoint")
    Optional<URI> sqsEndpoint;
    @ConfigProperty(name = "aws.sns.endpoint")
    Optional<URI> snsEndpoint;
    @ConfigProperty(name = "aws.dynamodb.endpoint")
    Optional<URI> dynamodbEndpoint;
    @ConfigProperty(name = "aws.http.max-connections")
    int maxConnections;
    @ConfigProperty(name = "aws.http.timeout")
    Duration timeout;

    @Produces
    @Singleton
    @Named("amazonSQSClient")
    SqsClient sqs() {
        return configure(SqsClient.builder(), sqsEndpoint).build();
    }

    @Produces
    @Singleton
    @Named("amazonSNSClient")
    SnsClient sns() {
        return configure(SnsClient.builder(), snsEndpoint).build();
    }

    @Produces
    @Singleton
    @Named("amazonDDBClient")
    DynamoDbClient dynamodb() {
        return configure(DynamoDbClient.builder(), dynamodbEndpoint).build();
    }

    /** The demand-table stream (enqueueEntries); DynamoDB Local serves streams on its DynamoDB endpoint. */
    @Produces
    @Singleton
    @Named("amazonDynamoDbStreamsClient")
    DynamoDbStreamsClient dynamodbStreams() {
        return configure(DynamoDbStreamsClient.builder(), dynamodbEndpoint).build();
    }

    void close(@Disposes SqsClient client) {
        client.close();
    }

    void close(@Disposes SnsClient client) {
        client.close();
    }

    void close(@Disposes DynamoDbClient client) {
        client.close();
    }

    void close(@Disposes DynamoDbStreamsClient client) {
        client.close();
    }

    private <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>> B configure(
            B builder, Optional<URI> endpoint) {
        builder.region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(maxConnections)
                        .connectionTimeout(timeout)
                        .socketTimeout(timeout));
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

    private AwsCredentialsProvider credentials() {
        if (accessKeyId.isPresent() && secretAccessKey.isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId.get(), secretAccessKey.get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
