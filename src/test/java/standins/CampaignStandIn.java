package standins;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Stand-in of the campaign service: seeded campaigns (with their markets) and invites. */
public final class CampaignStandIn extends StandInServer {

    private final Map<String, ObjectNode> campaignsById = new ConcurrentHashMap<>();
    private final Map<String, String> campaignIdsBySlug = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Instant>> invitesByCampaign = new ConcurrentHashMap<>();

    public CampaignStandIn(Path contractsDir, String apiKey) {
        super("campaign", contractsDir, apiKey);
        on(
                "GET",
                "/campaigns/by-slug/{slug}",
                request -> StandInResponse.ok(
                        campaignBySlug(request.pathParameter("slug")).orElseThrow(CampaignStandIn::campaignNotFound)));
        on(
                "GET",
                "/campaigns/{campaignId}",
                request -> StandInResponse.ok(
                        campaign(request.pathParameter("campaignId")).orElseThrow(CampaignStandIn::campaignNotFound)));
        on(
                "GET",
                "/campaigns/{campaignId}/markets/{marketId}",
                request -> StandInResponse.ok(
                        market(request.pathParameter("campaignId"), request.pathParameter("marketId"))));
        on(
                "GET",
                "/campaigns/{campaignId}/invites/{globalUserId}",
                request -> StandInResponse.ok(
                        invite(request.pathParameter("campaignId"), request.pathParameter("globalUserId"))));
        onAdmin("POST", "/_admin/campaigns", request -> {
            seedCampaign(request.requiredBody());
            return StandInResponse.ok(request.body());
        });
        onAdmin("POST", "/_admin/invites", request -> {
            seedInvite(request.text("campaignId"), request.text("globalUserId"));
            return StandInResponse.noContent();
        });
    }

    /**
     * Adds or replaces a campaign (keyed by its id). It must be a valid {@code Campaign} of the contract,
     * else {@link HttpError} 400 with the violations.
     */
    public synchronized void seedCampaign(JsonNode campaign) {
        List<String> violations = contract().validate("Campaign", campaign);
        if (!violations.isEmpty()) {
            throw HttpError.contractViolation(contract().title(), violations);
        }
        ObjectNode copy = (ObjectNode) campaign.deepCopy();
        ObjectNode previous = campaignsById.put(copy.get("id").asText(), copy);
        if (previous != null) {
            campaignIdsBySlug.remove(previous.get("slug").asText());
        }
        campaignIdsBySlug.put(copy.get("slug").asText(), copy.get("id").asText());
    }

    public void seedInvite(String campaignId, String globalUserId) {
        invitesByCampaign
                .computeIfAbsent(campaignId, id -> new ConcurrentHashMap<>())
                .putIfAbsent(globalUserId, Instant.now());
    }

    public Optional<JsonNode> campaign(String campaignId) {
        return Optional.ofNullable(campaignsById.get(campaignId)).map(ObjectNode::deepCopy);
    }

    public Optional<JsonNode> campaignBySlug(String slug) {
        return Optional.ofNullable(campaignIdsBySlug.get(slug)).flatMap(this::campaign);
    }

    @Override
    protected synchronized void clearState() {
        campaignsById.clear();
        campaignIdsBySlug.clear();
        invitesByCampaign.clear();
    }

    private JsonNode market(String campaignId, String marketId) {
        JsonNode campaign = campaign(campaignId).orElseThrow(CampaignStandIn::campaignNotFound);
        for (JsonNode market : campaign.path("markets")) {
            if (marketId.equals(market.path("id").asText())) {
                return market;
            }
        }
        throw HttpError.notFound("market not found");
    }

    private ObjectNode invite(String campaignId, String globalUserId) {
        Instant invitedAt = invitesByCampaign.getOrDefault(campaignId, Map.of()).get(globalUserId);
        if (invitedAt == null || !campaignsById.containsKey(campaignId)) {
            throw HttpError.notFound("invite not found");
        }
        return Json.object()
                .put("campaignId", campaignId)
                .put("globalUserId", globalUserId)
                .put("invitedAt", invitedAt.toString());
    }

    private static HttpError campaignNotFound() {
        return HttpError.notFound("campaign not found");
    }
}
