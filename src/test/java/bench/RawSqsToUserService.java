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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The upsertUsers baseline: what the worker does, written directly against the AWS SDK v2 and java.net.http.
 * {@code threads} loops ({@link RawSqsLoop}; the app's queue.concurrent-consumers), each: ReceiveMessage (10, long poll 1 s) -> Jackson
 * parse of every body (it must be an object with a string globalUserId) -> one POST /users/upsert-many
 * {@code {"users":[...]}} with {@code x-api-key} to the user service -> parse its results -> DeleteMessageBatch of
 * the messages whose user came back UPSERTED. Failed users are left for the queue to redeliver and counted.
 * No field filtering, no correlation ids, no retries with backoff, no rate limit, no circuit breaker.
 */
final class RawSqsToUserService extends RawSqsLoop {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI upsertMany;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final AtomicLong calls = new AtomicLong();

    RawSqsToUserService(SqsClient sqs, String queueUrl, String userServiceUrl, String apiKey, int threads) {
        super(sqs, queueUrl, false);
        this.upsertMany = URI.create(userServiceUrl + "/users/upsert-many");
        this.apiKey = apiKey;
        start(threads, "baseline-users");
    }

    /** One upsert-many call for the batch's users; done = the messages whose user came back UPSERTED. */
    @Override
    protected List<Message> handle(List<Message> messages) throws Exception {
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
            return List.of();
        }
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(upsertMany)
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("x-api-key", apiKey)
                        .POST(HttpRequest.BodyPublishers.ofString(request.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        calls.incrementAndGet();
        if (response.statusCode() != 200) {
            fail(new IllegalStateException("upsert-many answered " + response.statusCode() + ": " + response.body()));
            return List.of();
        }
        List<Message> done = new ArrayList<>(messages.size());
        for (JsonNode result : JSON.readTree(response.body()).path("results")) {
            List<Message> of = byUser.get(result.path("globalUserId").asText());
            if (of == null) {
                continue;
            }
            if (!"UPSERTED".equals(result.path("status").asText())) {
                fail(new IllegalStateException("user not upserted: " + result));
                continue;
            }
            done.addAll(of);
        }
        return done;
    }

    long calls() {
        return calls.get();
    }
}
