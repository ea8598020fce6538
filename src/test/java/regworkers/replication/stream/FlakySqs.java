package regworkers.replication.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.InvalidMessageContentsException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * The real SQS client, except that the messages a predicate picks are refused the way SQS refuses entries of a
 * batch (a {@code Failed} entry, the others sent for real); and a hook that runs before each send.
 */
final class FlakySqs implements SqsClient {

    private final SqsClient real;
    private volatile Predicate<String> refuse = body -> false;
    private volatile Predicate<String> refuseForGood = body -> false;
    private volatile Consumer<SendMessageBatchRequest> beforeSend = request -> {};

    FlakySqs(SqsClient real) {
        this.real = real;
    }

    void refuseBodies(Predicate<String> refuse) {
        this.refuse = refuse;
    }

    /** Bodies SQS refuses for their contents (a sender fault), in batches and alone; its dead-letter queues take anything. */
    void refuseForGood(Predicate<String> refuse) {
        this.refuseForGood = refuse;
    }

    void beforeSend(Consumer<SendMessageBatchRequest> hook) {
        this.beforeSend = hook;
    }

    void heal() {
        refuse = body -> false;
        refuseForGood = body -> false;
        beforeSend = request -> {};
    }

    @Override
    public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
        beforeSend.accept(request);
        List<SendMessageBatchRequestEntry> passed = new ArrayList<>();
        List<BatchResultErrorEntry> refused = new ArrayList<>();
        for (SendMessageBatchRequestEntry entry : request.entries()) {
            if (refuse.test(entry.messageBody())) {
                refused.add(BatchResultErrorEntry.builder()
                        .id(entry.id())
                        .code("InternalError")
                        .senderFault(false)
                        .message("refused by the test")
                        .build());
            } else if (refuseForGood.test(entry.messageBody())) {
                refused.add(BatchResultErrorEntry.builder()
                        .id(entry.id())
                        .code("InvalidMessageContents")
                        .senderFault(true)
                        .message("refused for good by the test")
                        .build());
            } else {
                passed.add(entry);
            }
        }
        if (refused.isEmpty()) {
            return real.sendMessageBatch(request);
        }
        SendMessageBatchResponse sent = passed.isEmpty()
                ? SendMessageBatchResponse.builder().build()
                : real.sendMessageBatch(request.toBuilder().entries(passed).build());
        List<BatchResultErrorEntry> failed = new ArrayList<>(sent.failed());
        failed.addAll(refused);
        return sent.toBuilder().failed(failed).build();
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
        if (!request.queueUrl().endsWith("-dlq") && refuseForGood.test(request.messageBody())) {
            throw InvalidMessageContentsException.builder()
                    .statusCode(400)
                    .message("refused for good by the test")
                    .awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode("InvalidMessageContents")
                            .errorMessage("refused for good by the test")
                            .build())
                    .build();
        }
        return real.sendMessage(request);
    }

    @Override
    public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request) {
        return real.getQueueUrl(request);
    }

    @Override
    public String serviceName() {
        return real.serviceName();
    }

    @Override
    public void close() {
        // the real client belongs to the local stack
    }
}
