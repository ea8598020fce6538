package bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The upsertUsers baseline: what the worker does, written directly against the AWS SDK v2 and java.net.http.
 * {@code threads} loops (the app's queue.concurrent-consumers), each: ReceiveMessage (10, long poll 1 s) -> Jackson
 * parse of every body (it must be an object with a string globalUserId) -> one POST /users/upsert-many
 * {@code {"users":[...]}} with {@code x-api-key} to the user service -> parse its results -> DeleteMessageBatch of
 * the messages whose user came back UPSERTED. Failed users are left for the queue to redeliver and counted.
 * No field filtering, no correlation ids, no retries with backoff, no rate limit, no circuit breaker.
 */
final class RawSqsToUserService implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String queueUrl;
    private final URI upsertMany;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Thread> loops = new ArrayList<>();
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private volatile boolean running = true;

    RawSqsToUserService(SqsClient sqs, String queueUrl, String userServiceUrl, String apiKey, int threads) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.upsertMany = URI.create(userServiceUrl + "/users/upsert-many");
        this.apiKey = apiKey;
        for (int t = 0; t < threads; t++) {
            Thread loop = new Thread(this::loop, "baseline-users-" + t);
            loop.setDaemon(true);
            loops.add(loop);
        }
        loops.forEach(Thread::start);
    }

    private void loop() {
        while (running) {
            try {
                List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
                if (messages.isEmpty()) {
                    continue;
                }
                ObjectNode request = JSON.createObjectNode();
                ArrayNode users = request.putArray("users");
                Map<String, List<Message>> byUser = new HashMap<>();
                for (Message message : messages) {
                    JsonNode user = JSON.readTree(message.body());
                    JsonNode id = user == null ? null : user.get("globalUserId");
                    if (id == null || !id.isTextual()) {
                        fail(new IllegalArgumentException("not a user: " + message.body()));
                        continue;
                    }
                    users.add(user);
                    byUser.computeIfAbsent(id.asText(), k -> new ArrayList<>()).add(message);
                }
                if (users.isEmpty()) {
                    continue;
                }
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(upsertMany).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").header("x-api-key", apiKey)
                        .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(), HttpResponse.BodyHandlers.ofString());
                calls.incrementAndGet();
                if (response.statusCode() != 200) {
                    fail(new IllegalStateException("upsert-many answered " + response.statusCode() + ": " + response.body()));
                    continue;
                }
                List<DeleteMessageBatchRequestEntry> done = new ArrayList<>(messages.size());
                for (JsonNode result : JSON.readTree(response.body()).path("results")) {
                    List<Message> of = byUser.get(result.path("globalUserId").asText());
                    if (of == null) {
                        continue;
                    }
                    if (!"UPSERTED".equals(result.path("status").asText())) {
                        fail(new IllegalStateException("user not upserted: " + result));
                        continue;
                    }
                    for (Message message : of) {
                        done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
                                .receiptHandle(message.receiptHandle()).build());
                    }
                }
                if (!done.isEmpty()) {
                    DeleteMessageBatchResponse deleted = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
                    if (!deleted.failed().isEmpty()) {
                        fail(new IllegalStateException("DeleteMessageBatch failed for " + deleted.failed()));
                    }
                    handled.addAndGet(deleted.successful().size());
                }
            } catch (Exception e) {
                if (running) {
                    fail(e);
                }
            }
        }
    }

    private void fail(Throwable e) {
        failed.incrementAndGet();
        firstFailure.compareAndSet(null, e);
    }

    long handled() {
        return handled.get();
    }

    long calls() {
        return calls.get();
    }

    long failures() {
        return failed.get();
    }

    Throwable firstFailure() {
        return firstFailure.get();
    }

    @Override
    public void close() {
        running = false;
        for (Thread loop : loops) {
            try {
                loop.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
