package regworkers.platform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import software.amazon.awssdk.services.sqs.SqsClient;

/** Queue URLs by queue name, looked up once; a queue configured as a URL is its own URL. */
@ApplicationScoped
public class QueueUrls {

    private final SqsClient sqs;
    private final Map<String, String> urls = new ConcurrentHashMap<>();

    @Inject
    public QueueUrls(SqsClient sqs) {
        this.sqs = sqs;
    }

    public String of(String queue) {
        if (queue.startsWith("http://") || queue.startsWith("https://")) {
            return queue;
        }
        return urls.computeIfAbsent(
                queue, name -> sqs.getQueueUrl(b -> b.queueName(name)).queueUrl());
    }

    /** Looks the queue up again next time (it was deleted and may come back under a new URL). */
    public void forget(String queue) {
        urls.remove(queue);
    }
}
