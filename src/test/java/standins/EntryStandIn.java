package standins;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Stand-in of the entry service: entries per campaign, scoring records per market (seeded ones plus the
 * stored entries that chose the market), code assignments per market and stats per campaign.
 */
public final class EntryStandIn extends StandInServer {

    private final Map<String, NavigableMap<String, ObjectNode>> entriesByCampaign = new ConcurrentHashMap<>();
    private final Map<MarketKey, MarketScoringRecords> seededRecords = new ConcurrentHashMap<>();
    private final Map<MarketKey, Map<String, String>> codesByMarket = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> statsByCampaign = new ConcurrentHashMap<>();

    public EntryStandIn(Path contractsDir, String apiKey) {
        super("entry", contractsDir, apiKey);
        on("GET", "/campaigns/{campaignId}/markets/{marketId}/scoring-records", this::scoringRecordPage);
        on("PUT", "/campaigns/{campaignId}/entries", this::upsertEntries);
        on("DELETE", "/campaigns/{campaignId}/entries/{globalUserId}", this::deleteEntry);
        on("POST", "/campaigns/{campaignId}/markets/{marketId}/assignments", this::assignCodes);
        on("PUT", "/campaigns/{campaignId}/stats", this::upsertStats);
        onAdmin("POST", "/_admin/scoring-records", this::seedScoringRecords);
        onAdmin(
                "GET",
                "/_admin/entries/{campaignId}",
                request -> StandInResponse.ok(Map.of(
                        "entries", entries(request.pathParameter("campaignId")).values())));
        onAdmin(
                "GET",
                "/_admin/assignments/{campaignId}/{marketId}",
                request -> StandInResponse.ok(
                        assignments(request.pathParameter("campaignId"), request.pathParameter("marketId"))));
        onAdmin(
                "GET",
                "/_admin/stats/{campaignId}",
                request -> StandInResponse.ok(
                        stats(request.pathParameter("campaignId")).orElseThrow(() -> HttpError.notFound("no stats"))));
    }

    /** Adds {@code count} synthetic scoring records to a market; see {@link MarketScoringRecords#addSynthetic}. */
    public void seedScoringRecords(String campaignId, String marketId, int count, long seed) {
        scoringRecords(campaignId, marketId).addSynthetic(count, seed);
    }

    /** How many scoring records were seeded into the market. */
    public int seededScoringRecords(String campaignId, String marketId) {
        return scoringRecords(campaignId, marketId).seededCount();
    }

    public void seedScoringRecords(String campaignId, String marketId, List<ScoringRecord> records) {
        scoringRecords(campaignId, marketId).add(records);
    }

    /** The market's seeded scoring records become {@code records}. */
    public void replaceScoringRecords(String campaignId, String marketId, List<ScoringRecord> records) {
        scoringRecords(campaignId, marketId).replace(records);
    }

    /** Stores an entry as if it had been upserted; it must be a valid {@code Entry} of the contract. */
    public void seedEntry(JsonNode entry) {
        List<String> violations = contract().validate("Entry", entry);
        if (!violations.isEmpty()) {
            throw HttpError.contractViolation(contract().title(), violations);
        }
        store(entry);
    }

    /** The stored entries of a campaign by globalUserId (copies, sorted by globalUserId). */
    public Map<String, JsonNode> entries(String campaignId) {
        Map<String, JsonNode> copies = new TreeMap<>();
        storedEntries(campaignId).forEach((globalUserId, entry) -> copies.put(globalUserId, entry.deepCopy()));
        return copies;
    }

    public Optional<JsonNode> entry(String campaignId, String globalUserId) {
        return Optional.ofNullable(storedEntries(campaignId).get(globalUserId)).map(ObjectNode::deepCopy);
    }

    /** The code each user of the market holds, by globalUserId. */
    public Map<String, String> assignments(String campaignId, String marketId) {
        return new TreeMap<>(codesByMarket.getOrDefault(new MarketKey(campaignId, marketId), Map.of()));
    }

    /** The last stats upserted for the campaign, with the {@code campaignId} and {@code updatedAt} answered. */
    public Optional<JsonNode> stats(String campaignId) {
        return Optional.ofNullable(statsByCampaign.get(campaignId)).map(ObjectNode::deepCopy);
    }

    @Override
    protected void clearState() {
        entriesByCampaign.clear();
        seededRecords.clear();
        codesByMarket.clear();
        statsByCampaign.clear();
    }

    private StandInResponse scoringRecordPage(StandInRequest request) {
        String campaignId = request.pathParameter("campaignId");
        String marketId = request.pathParameter("marketId");
        int limit = Integer.parseInt(request.query().getOrDefault("limit", "1000"));
        MarketScoringRecords records =
                seededRecords.getOrDefault(new MarketKey(campaignId, marketId), new MarketScoringRecords(marketId));
        return StandInResponse.ok(records.page(limit, request.query().get("cursor"), storedEntries(campaignId)));
    }

    private StandInResponse upsertEntries(StandInRequest request) {
        String campaignId = request.pathParameter("campaignId");
        JsonNode entries = request.body().get("entries");
        for (JsonNode entry : entries) {
            if (!campaignId.equals(entry.get("campaignId").asText())) {
                throw HttpError.badRequest(
                        "entry of " + entry.get("globalUserId").asText() + " belongs to campaign "
                                + entry.get("campaignId").asText() + ", not " + campaignId);
            }
        }
        entries.forEach(this::store);
        return StandInResponse.ok(Json.object().put("success", true).put("upsertedCount", entries.size()));
    }

    private StandInResponse deleteEntry(StandInRequest request) {
        NavigableMap<String, ObjectNode> entries = entriesByCampaign.get(request.pathParameter("campaignId"));
        if (entries != null) {
            entries.remove(request.pathParameter("globalUserId"));
        }
        return StandInResponse.noContent();
    }

    private StandInResponse assignCodes(StandInRequest request) {
        Map<String, String> held = codesByMarket.computeIfAbsent(
                new MarketKey(request.pathParameter("campaignId"), request.pathParameter("marketId")),
                key -> new ConcurrentHashMap<>());
        int assignedCount = 0;
        ArrayNode conflicts = Json.array();
        for (JsonNode assignment : request.body().get("assignments")) {
            String globalUserId = assignment.get("globalUserId").asText();
            String code = assignment.get("code").asText();
            String existingCode = held.putIfAbsent(globalUserId, code);
            if (existingCode == null || existingCode.equals(code)) {
                assignedCount++;
            } else {
                conflicts
                        .addObject()
                        .put("globalUserId", globalUserId)
                        .put("code", code)
                        .put("existingCode", existingCode);
            }
        }
        ObjectNode result = Json.object().put("assignedCount", assignedCount);
        result.set("conflicts", conflicts);
        return StandInResponse.ok(result);
    }

    private StandInResponse upsertStats(StandInRequest request) {
        String campaignId = request.pathParameter("campaignId");
        String updatedAt = Instant.now().toString();
        ObjectNode stored = request.body().deepCopy();
        stored.put("campaignId", campaignId).put("updatedAt", updatedAt);
        statsByCampaign.put(campaignId, stored);
        return StandInResponse.ok(Json.object().put("campaignId", campaignId).put("updatedAt", updatedAt));
    }

    private StandInResponse seedScoringRecords(StandInRequest request) {
        String campaignId = request.text("campaignId");
        String marketId = request.text("marketId");
        JsonNode records = request.requiredBody().path("records");
        if (records.isArray()) {
            seedScoringRecords(campaignId, marketId, parseRecords(records));
        } else {
            seedScoringRecords(
                    campaignId,
                    marketId,
                    request.integer("count"),
                    request.requiredBody().path("seed").asLong(0));
        }
        return StandInResponse.ok(Json.object()
                .put("seededCount", scoringRecords(campaignId, marketId).seededCount()));
    }

    private static List<ScoringRecord> parseRecords(JsonNode records) {
        List<ScoringRecord> parsed = new ArrayList<>();
        for (JsonNode record : records) {
            JsonNode globalUserId = record.path("globalUserId");
            JsonNode score = record.path("score");
            if (!globalUserId.isTextual() || !(score.isNumber() || score.isNull() || score.isMissingNode())) {
                throw HttpError.badRequest("each record needs a string globalUserId and a number or null score");
            }
            parsed.add(new ScoringRecord(globalUserId.asText(), score.isNumber() ? score.asDouble() : null));
        }
        return parsed;
    }

    private void store(JsonNode entry) {
        entriesByCampaign
                .computeIfAbsent(entry.get("campaignId").asText(), id -> new ConcurrentSkipListMap<>())
                .put(entry.get("globalUserId").asText(), (ObjectNode) entry.deepCopy());
    }

    private NavigableMap<String, ObjectNode> storedEntries(String campaignId) {
        return entriesByCampaign.getOrDefault(campaignId, Collections.emptyNavigableMap());
    }

    private MarketScoringRecords scoringRecords(String campaignId, String marketId) {
        return seededRecords.computeIfAbsent(
                new MarketKey(campaignId, marketId), key -> new MarketScoringRecords(marketId));
    }
}
