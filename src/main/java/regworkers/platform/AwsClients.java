package regworkers.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

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
 * Each client is built on its first call (a client proxy, not at injection), so a process whose selected workers
 * never use one does not pay the SDK's set-up for it at start, and opens no connection with it.
 */
@ApplicationScoped
public class AwsClients {
    @Inject
    AwsConfig aws;

    @Produces
    @ApplicationScoped
    @Named("amazonSQSClient")
    SqsClient sqs() {
        return configure(SqsClient.builder(), aws.sqs()).build();
    }

    @Produces
    @ApplicationScoped
    @Named("amazonSNSClient")
    SnsClient sns() {
        return configure(SnsClient.builder(), aws.sns()).build();
    }

    @Produces
    @ApplicationScoped
    @Named("amazonDDBClient")
    DynamoDbClient dynamodb() {
        return configure(DynamoDbClient.builder(), aws.dynamodb()).build();
    }

    /** The demand-table stream (enqueueEntries); DynamoDB Local serves streams on its DynamoDB endpoint. */
    @Produces
    @ApplicationScoped
    @Named("amazonDynamoDbStreamsClient")
    DynamoDbStreamsClient dynamodbStreams() {
        return configure(DynamoDbStreamsClient.builder(), aws.dynamodb()).build();
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

    private <
                    B extends
                            AwsClientBuilder<B, ?>
                                    & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>>
            B configure(B builder, AwsConfig.Endpoint endpoint) {
        builder.region(Region.of(aws.region()))
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(aws.http().maxConnections())
                        .connectionTimeout(aws.http().timeout())
                        .socketTimeout(aws.http().timeout()));
        endpoint.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }

    private AwsCredentialsProvider credentials() {
        if (aws.accessKeyId().isPresent() && aws.secretAccessKey().isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    aws.accessKeyId().get(), aws.secretAccessKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
