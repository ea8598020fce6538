package regworkers.platform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import software.amazon.awssdk.services.sqs.SqsClient;

/** Queue URLs by queue name, looked up once. */
@ApplicationScoped
public class QueueUrls {

    @Inject
    SqsClient sqs;

    private final Map<String, String> urls = new ConcurrentHashMap<>();

    public String of(String queue) {
        return urls.computeIfAbsent(queue, name -> sqs.getQueueUrl(b -> b.queueName(name)).queueUrl());
    }
}
