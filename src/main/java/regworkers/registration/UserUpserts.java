package regworkers.registration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;
import regworkers.platform.BatchItem;
import regworkers.platform.Batches;
import regworkers.platform.Correlation;
import regworkers.platform.QueueMessage;
import regworkers.platform.QueueOutcome;
import regworkers.platform.WorkerLog;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceRequest;

/**
 * upsertUsers: each queue message is one user; a batch of them is one user-service upsert-many call, and each
 * message's outcome is that of its own user (the service reports per user).
 */
@ApplicationScoped
@Named("userUpserts")
public class UserUpserts {

    private static final WorkerLog LOG = WorkerLog.of(UserUpserts.class);

    /** A user read from its queue message, waiting for its batch. */
    public record PendingUser(QueueMessage message, String correlationId, ObjectNode user) implements BatchItem {}

    @Inject
    ObjectMapper json;

    @Inject
    ServiceClient services;

    public PendingUser pending(Exchange exchange) {
        UserMessage message = UserMessage.read(json, exchange.getMessage().getBody(String.class));
        if (!message.ignored().isEmpty()) {
            LOG.log(
                    Logger.Level.DEBUG,
                    "Fields the user service does not know were not forwarded",
                    Map.of("fields", message.ignored()));
        }
        return new PendingUser(QueueMessage.of(exchange), Correlation.of(exchange), message.user());
    }

    /**
     * One upsert-many call for the batch; never throws: each message gets its own user's outcome (a batch the service
     * refuses as a whole is tried user by user, so only the user it refuses fails).
     */
    public List<QueueOutcome> upsert(List<PendingUser> batch) {
        List<QueueOutcome> outcomes = Batches.settleEach(batch, this::upsertBatch);
        long failed =
                outcomes.stream().filter(outcome -> outcome.failure() != null).count();
        LOG.batch(
                "Upserted a batch of users",
                failed,
                Map.of("received", batch.size(), "processed", batch.size() - failed, "failed", failed));
        return outcomes;
    }

    private List<QueueOutcome> upsertBatch(List<PendingUser> batch) {
        List<JsonNode> results = call(batch.stream().map(PendingUser::user).toList());
        List<QueueOutcome> outcomes = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            PendingUser pending = batch.get(i);
            JsonNode result = i < results.size() ? results.get(i) : null;
            String userId = pending.user().get("globalUserId").asText();
            if (result != null
                    && userId.equals(result.path("globalUserId").asText())
                    && "UPSERTED".equals(result.path("status").asText())) {
                outcomes.add(QueueOutcome.succeeded(pending.message(), pending.correlationId()));
            } else {
                String why = result == null
                        ? "no result for the user"
                        : result.path("error")
                                .asText("status " + result.path("status").asText());
                outcomes.add(
                        QueueOutcome.failed(pending.message(), pending.correlationId(), new UserUpsertFailed(why)));
            }
        }
        return outcomes;
    }

    /** The invoke endpoint's upsertUsers: one user, through the same batch work as the queue's. */
    public String upsertNow(PendingUser pending) {
        Batches.requireSucceeded(upsert(List.of(pending)));
        return "UPSERTED " + pending.user().get("globalUserId").asText();
    }

    private List<JsonNode> call(List<ObjectNode> users) {
        ObjectNode request = json.createObjectNode();
        ArrayNode array = request.putArray("users");
        users.forEach(array::add);
        List<JsonNode> results = new ArrayList<>();
        services.call(ServiceRequest.post(Service.USER, "/users/upsert-many", request.toString()))
                .requireSuccess()
                .json(json)
                .path("results")
                .forEach(results::add);
        return results;
    }

    /** The user service did not upsert a user (it said so, or the call failed): retried. */
    public static class UserUpsertFailed extends RuntimeException {
        UserUpsertFailed(String message) {
            super(message);
        }
    }
}
