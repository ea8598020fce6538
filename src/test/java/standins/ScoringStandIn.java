package standins;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Stand-in of the scoring service: a deterministic score per (campaignId, globalUserId), overridable. */
public final class ScoringStandIn extends StandInServer {

    private final Map<String, Double> overrides = new ConcurrentHashMap<>();

    public ScoringStandIn(Path contractsDir, String apiKey) {
        super("scoring", contractsDir, apiKey);
        on("POST", "/scores", request -> {
            String campaignId = request.body().get("campaignId").asText();
            String globalUserId = request.body().get("globalUserId").asText();
            return StandInResponse.ok(Json.object()
                    .put("campaignId", campaignId)
                    .put("globalUserId", globalUserId)
                    .put("score", scoreOf(campaignId, globalUserId)));
        });
        onAdmin("POST", "/_admin/scores", request -> {
            if (!request.requiredBody().path("score").isNumber()) {
                throw HttpError.badRequest("score must be a number");
            }
            overrideScore(
                    request.text("campaignId"),
                    request.text("globalUserId"),
                    request.body().get("score").asDouble());
            return StandInResponse.noContent();
        });
    }

    /** The score the service answers: the override if any, else a hash of the pair mapped to 0..999.99. */
    public double scoreOf(String campaignId, String globalUserId) {
        Double override = overrides.get(key(campaignId, globalUserId));
        if (override != null) {
            return override;
        }
        long hash = key(campaignId, globalUserId).hashCode() * 0x9E3779B97F4A7C15L;
        return Math.floorMod(hash ^ (hash >>> 29), 100_000) / 100.0;
    }

    public void overrideScore(String campaignId, String globalUserId, double score) {
        overrides.put(key(campaignId, globalUserId), score);
    }

    @Override
    protected void clearState() {
        overrides.clear();
    }

    private static String key(String campaignId, String globalUserId) {
        return campaignId + '\n' + globalUserId;
    }
}
