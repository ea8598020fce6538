package regworkers.registration;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A checkEligibility answer, serialised exactly as the seed shows it: an eligible answer carries
 * {@code isEligible, campaignId, fields, linkedCampaignId} (null when none); an ineligible one
 * {@code isEligible, reason}, {@code campaignId} when the campaign is known and {@code detail} when there is one.
 */
public record Eligibility(
        boolean isEligible,
        Reason reason,
        String campaignId,
        ObjectNode fields,
        String linkedCampaignId,
        Map<String, String> detail) {

    public static Eligibility eligible(String campaignId, ObjectNode fields, String linkedCampaignId) {
        return new Eligibility(true, null, campaignId, fields, linkedCampaignId, null);
    }

    public static Eligibility ineligible(Reason reason, String campaignId) {
        return new Eligibility(false, reason, campaignId, null, null, null);
    }

    public static Eligibility ineligible(Reason reason, String campaignId, Map<String, String> detail) {
        return new Eligibility(false, reason, campaignId, null, null, detail);
    }

    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode node = json.createObjectNode().put("isEligible", isEligible);
        if (isEligible) {
            node.put("campaignId", campaignId);
            node.set("fields", fields);
            node.put("linkedCampaignId", linkedCampaignId);
            return node;
        }
        node.put("reason", reason.name());
        if (campaignId != null) {
            node.put("campaignId", campaignId);
        }
        if (detail != null && !detail.isEmpty()) {
            ObjectNode detailNode = node.putObject("detail");
            detail.forEach(detailNode::put);
        }
        return node;
    }
}
