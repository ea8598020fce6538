package regworkers.platform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.Topic;

/** SNS topics by name, for the workers that publish with the SNS client itself (PublishBatch). */
@ApplicationScoped
public class SnsTopics {

    @Inject
    SnsClient sns;

    private final Map<String, String> arns = new ConcurrentHashMap<>();

    /** The ARN of the topic called {@code name}, looked up once (the topics are made by infra, never by the app). */
    public String arn(String name) {
        String known = arns.get(name);
        if (known == null) {
            known = sns.listTopicsPaginator().topics().stream()
                    .map(Topic::topicArn)
                    .filter(arn -> arn.endsWith(":" + name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no SNS topic named " + name));
            arns.put(name, known);
        }
        return known;
    }

    /** A String message attribute. */
    public static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }
}
