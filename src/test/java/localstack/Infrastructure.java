package localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The declarative description in infra/infrastructure.yaml, and how to apply it to the local servers. */
public record Infrastructure(Queues queues, List<Topic> topics, List<Table> tables, List<KafkaTopic> kafkaTopics) {

    public record Queues(
            int visibilityTimeoutSeconds,
            int maxReceiveCount,
            int maximumMessageSizeBytes,
            String deadLetterSuffix,
            List<String> names) {}

    public record Topic(String name, List<Subscription> subscriptions) {}

    public record Subscription(String queue, Map<String, Object> filterPolicy, boolean rawMessageDelivery) {}

    /** {@code rangeKey}, {@code stream} (a stream view type) and {@code ttlAttribute} are optional. */
    public record Table(String name, String hashKey, String rangeKey, String stream, String ttlAttribute) {}

    public record KafkaTopic(String name, int partitions) {}

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Infrastructure load() {
        return load(LocalPaths.projectRoot().resolve("infra/infrastructure.yaml"));
    }

    static Infrastructure load(Path file) {
        try {
            return YAML.readValue(file.toFile(), Infrastructure.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public String deadLetterQueueOf(String queue) {
        return queue + queues.deadLetterSuffix();
    }

    void applyQueuesAndTopics(SqsClient sqs, SnsClient sns) {
        queues.names().forEach(name -> applyQueue(sqs, name));
        for (Topic topic : topics) {
            String topicArn = sns.createTopic(b -> b.name(topic.name())).topicArn();
            for (Subscription subscription : topic.subscriptions()) {
                String queueArn = queueArn(
                        sqs,
                        sqs.getQueueUrl(b -> b.queueName(subscription.queue())).queueUrl());
                sns.subscribe(b -> b.topicArn(topicArn)
                        .protocol("sqs")
                        .endpoint(queueArn)
                        .attributes(Map.of(
                                "FilterPolicy", toJson(subscription.filterPolicy()),
                                "RawMessageDelivery", String.valueOf(subscription.rawMessageDelivery()))));
            }
        }
    }

    /** A queue with its dead-letter queue and redrive policy, as every queue of the description has. */
    void applyQueue(SqsClient sqs, String name) {
        String maximumSize = String.valueOf(queues.maximumMessageSizeBytes());
        String dlqArn = queueArn(
                sqs,
                sqs.createQueue(b -> b.queueName(deadLetterQueueOf(name))
                                .attributes(Map.of(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, maximumSize)))
                        .queueUrl());
        String redrive = toJson(
                Map.of("deadLetterTargetArn", dlqArn, "maxReceiveCount", String.valueOf(queues.maxReceiveCount())));
        sqs.createQueue(b -> b.queueName(name)
                .attributes(Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(queues.visibilityTimeoutSeconds()),
                        QueueAttributeName.MAXIMUM_MESSAGE_SIZE, maximumSize,
                        QueueAttributeName.REDRIVE_POLICY, redrive)));
    }

    void applyTables(DynamoDbClient dynamo) {
        for (Table table : tables) {
            List<AttributeDefinition> attributes = new ArrayList<>();
            List<KeySchemaElement> keys = new ArrayList<>();
            attributes.add(AttributeDefinition.builder()
                    .attributeName(table.hashKey())
                    .attributeType(ScalarAttributeType.S)
                    .build());
            keys.add(KeySchemaElement.builder()
                    .attributeName(table.hashKey())
                    .keyType(KeyType.HASH)
                    .build());
            if (table.rangeKey() != null) {
                attributes.add(AttributeDefinition.builder()
                        .attributeName(table.rangeKey())
                        .attributeType(ScalarAttributeType.S)
                        .build());
                keys.add(KeySchemaElement.builder()
                        .attributeName(table.rangeKey())
                        .keyType(KeyType.RANGE)
                        .build());
            }
            try {
                dynamo.createTable(b -> {
                    b.tableName(table.name())
                            .billingMode(BillingMode.PAY_PER_REQUEST)
                            .attributeDefinitions(attributes)
                            .keySchema(keys);
                    if (table.stream() != null) {
                        b.streamSpecification(StreamSpecification.builder()
                                .streamEnabled(true)
                                .streamViewType(StreamViewType.fromValue(table.stream()))
                                .build());
                    }
                });
            } catch (ResourceInUseException alreadyThere) {
                // applying the description twice is harmless
                continue;
            }
            if (table.ttlAttribute() != null) {
                dynamo.updateTimeToLive(b -> b.tableName(table.name())
                        .timeToLiveSpecification(
                                ttl -> ttl.attributeName(table.ttlAttribute()).enabled(true)));
            }
        }
    }

    void applyKafkaTopics(String bootstrapServers) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = KafkaServer.admin(config)) {
            for (KafkaTopic topic : kafkaTopics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic.name(), topic.partitions(), (short) 1)))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name(), e);
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot apply Kafka topics: " + e.getMessage(), e);
        }
    }

    private static String queueArn(SqsClient sqs, String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
