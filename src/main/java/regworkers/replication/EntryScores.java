package regworkers.replication;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import regworkers.platform.DependencyUnavailable;
import regworkers.platform.EntryItems;
import regworkers.platform.WorkerLog;
import regworkers.platform.WorkerSpans;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * retryScore: an entry whose scoring failed is scored again, and the score is written with
 * {@code needsReplication=true}, so replication carries it to the entry service.
 */
@ApplicationScoped
@Named("entryScores")
public class EntryScores {

    private static final WorkerLog LOG = WorkerLog.of(EntryScores.class);

    @Inject
    EntryItems items;

    @Inject
    DynamoDbClient dynamodb;

    @Inject
    ServiceClient services;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry metrics;

    Clock clock = Clock.systemUTC();

    public String rescore(String body) throws JsonProcessingException {
        ScoreRequest message = ScoreRequest.read(json, body);
        String campaignId = message.campaignId();
        WorkerSpans.campaign(campaignId);
        String globalUserId = message.globalUserId();
        Optional<Map<String, AttributeValue>> item = items.current(campaignId, globalUserId);
        if (item.isEmpty()) {
            metrics.counter("regworkers.scores", "outcome", "entry_gone").increment();
            LOG.info("Entry gone: nothing to score", Map.of("campaignId", campaignId, "globalUserId", globalUserId));
            return "SKIPPED: the entry is gone";
        }
        ObjectNode request =
                json.createObjectNode().put("campaignId", campaignId).put("globalUserId", globalUserId);
        String fields = EntryItems.text(item.get(), "fields");
        if (fields != null && !fields.isBlank()) {
            JsonNode parsed = json.readTree(fields);
            if (parsed.isObject()) {
                request.set("fields", parsed);
            }
        }
        JsonNode score = services.call(ServiceRequest.post(Service.SCORING, "/scores", request.toString()))
                .requireSuccess()
                .json(json)
                .path("score");
        if (!score.isNumber()) {
            throw new DependencyUnavailable(
                    Service.SCORING.dependency(), "the scoring service answered without a numeric score");
        }
        try {
            dynamodb.updateItem(b -> b.tableName(items.table())
                    .key(EntryItems.key(campaignId, globalUserId))
                    .updateExpression("SET score = :score, needsReplication = :true, updatedAt = :now")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(
                            ":score",
                            AttributeValue.fromN(score.decimalValue().toPlainString()),
                            ":true",
                            AttributeValue.fromBool(true),
                            ":now",
                            AttributeValue.fromS(Instant.now(clock).toString()))));
        } catch (ConditionalCheckFailedException deleted) {
            return "SKIPPED: the entry was deleted while it was scored";
        }
        metrics.counter("regworkers.scores", "outcome", "scored").increment();
        LOG.info("Entry scored", Map.of("campaignId", campaignId, "globalUserId", globalUserId));
        return "SCORED";
    }
}
