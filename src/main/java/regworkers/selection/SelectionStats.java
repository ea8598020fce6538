package regworkers.selection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import regworkers.platform.DynamoDbConfig;
import regworkers.platform.JsonMessage;
import regworkers.platform.PermanentFailure;
import regworkers.platform.WorkerLog;
import regworkers.platform.WorkerSpans;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceRequest;
import regworkers.platform.services.ServiceResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * refreshSelections: recounts a campaign from demand-table (registrations per market from each entry's
 * {@code fields.markets}, winners per market from its {@code verdicts}, selected markets from the selection runs)
 * and upserts the stats to the entry service; the status is FINISHED once every market of the campaign is selected.
 * Campaigns with a selection run are on the refresh schedule ({@code pk=REFRESH#SELECTIONS}) until FINISHED.
 */
@ApplicationScoped
@Named("selectionStats")
public class SelectionStats {

    private static final WorkerLog LOG = WorkerLog.of(SelectionStats.class);

    static final String SCHEDULE_PK = "REFRESH#SELECTIONS";

    @Inject
    DynamoDbConfig tables;

    @Inject
    ObjectMapper json;

    @Inject
    ServiceClient services;

    @Inject
    DynamoDbClient dynamodb;

    @Inject
    SelectionRuns runs;

    /** The on-demand event: {campaignId}. */
    public String refreshEvent(String body) throws JsonProcessingException {
        return refresh(
                JsonMessage.read(json, body, "INVALID_REQUEST", "{campaignId}").text("campaignId"));
    }

    public String refresh(String campaignId) throws JsonProcessingException {
        WorkerSpans.campaign(campaignId);
        ServiceResponse response =
                services.call(ServiceRequest.get(Service.CAMPAIGN, "/campaigns/" + ServiceRequest.segment(campaignId)));
        if (response.isNotFound()) {
            throw new PermanentFailure("CAMPAIGN_NOT_FOUND", "the campaign service knows no campaign " + campaignId);
        }
        JsonNode campaign = response.requireSuccess().json(json);
        Map<String, int[]> markets = new TreeMap<>(); // marketId -> {registrations, winners, selected}
        campaign.path("markets").forEach(market -> markets.put(market.path("id").asText(), new int[3]));
        int registrations = countEntries(campaignId, markets);
        for (Map<String, AttributeValue> run : runs.runsOf(campaignId)) {
            String status = run.get("status").s();
            int[] counts = markets.get(run.get("marketId").s());
            if (counts != null && !SelectionRuns.SELECTING.equals(status)) {
                counts[2] = 1;
            }
        }
        boolean finished = !markets.isEmpty() && markets.values().stream().allMatch(counts -> counts[2] == 1);
        String status = finished ? "FINISHED" : campaign.path("status").asText("CLOSED");

        ObjectNode stats = json.createObjectNode();
        stats.put("totalRegistrations", registrations);
        stats.put(
                "winnerCount",
                markets.values().stream().mapToInt(counts -> counts[1]).sum());
        stats.put("status", status);
        ArrayNode perMarket = stats.putArray("markets");
        markets.forEach((marketId, counts) -> perMarket
                .addObject()
                .put("marketId", marketId)
                .put("registrations", counts[0])
                .put("winners", counts[1])
                .put("selected", counts[2] == 1));
        services.call(ServiceRequest.put(
                                Service.ENTRY,
                                "/campaigns/" + ServiceRequest.segment(campaignId) + "/stats",
                                stats.toString())
                        .withRateKey(campaignId))
                .requireSuccess();
        if (finished) {
            dynamodb.deleteItem(b -> b.tableName(tables.table()).key(scheduleKey(campaignId)));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("campaignId", campaignId);
        data.put("status", status);
        data.put("totalRegistrations", registrations);
        data.put("winnerCount", stats.get("winnerCount").asInt());
        LOG.info("Selection stats refreshed", data);
        return stats.toString();
    }

    /** Puts the campaign on the refresh schedule (idempotent). */
    public void schedule(String campaignId) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(scheduleKey(campaignId));
        item.put("campaignId", AttributeValue.fromS(campaignId));
        dynamodb.putItem(b -> b.tableName(tables.table()).item(item));
    }

    /** The campaigns on the refresh schedule. */
    public List<String> scheduledCampaigns() {
        List<String> campaigns = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamodb.query(b -> b.tableName(tables.table())
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(SCHEDULE_PK)))
                    .exclusiveStartKey(from));
            page.items().forEach(item -> campaigns.add(item.get("campaignId").s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return campaigns;
    }

    /** Counts the campaign's entries, and per market its registrations and winners; answers the entry count. */
    private int countEntries(String campaignId, Map<String, int[]> markets) throws JsonProcessingException {
        int entries = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamodb.query(b -> b.tableName(tables.table())
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :users)")
                    .expressionAttributeValues(Map.of(
                            ":pk",
                            AttributeValue.fromS("CAMPAIGN#" + campaignId),
                            ":users",
                            AttributeValue.fromS("USER#")))
                    .projectionExpression("#fields, verdicts")
                    .expressionAttributeNames(Map.of("#fields", "fields"))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                entries++;
                AttributeValue fields = item.get("fields");
                if (fields != null && fields.s() != null) {
                    for (JsonNode market : json.readTree(fields.s()).path("markets")) {
                        int[] counts = markets.get(market.asText());
                        if (counts != null) {
                            counts[0]++;
                        }
                    }
                }
                AttributeValue verdicts = item.get("verdicts");
                if (verdicts != null && verdicts.hasM()) {
                    verdicts.m().forEach((marketId, verdict) -> {
                        int[] counts = markets.get(marketId);
                        AttributeValue status = verdict.hasM() ? verdict.m().get("status") : null;
                        if (counts != null && status != null && Verdicts.SELECTED.equals(status.s())) {
                            counts[1]++;
                        }
                    });
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return entries;
    }

    private static Map<String, AttributeValue> scheduleKey(String campaignId) {
        return Map.of("pk", AttributeValue.fromS(SCHEDULE_PK), "sk", AttributeValue.fromS("CAMPAIGN#" + campaignId));
    }
}
