package regworkers.platform.markets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import regworkers.platform.JsonMessage;
import regworkers.platform.PermanentFailure;

/** One market's selection run, as Step Functions asks for it: {campaignId, dateId, marketId}. */
public record MarketSelectionRequest(String campaignId, String marketId, String dateId) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    /** The request of an event (a selection trigger, a notificationQueue message); a missing or malformed field can never succeed. */
    public static MarketSelectionRequest read(ObjectMapper json, String body) {
        JsonNode event = JsonMessage.read(json, body, "INVALID_REQUEST", "{campaignId, dateId, marketId}")
                .node();
        return new MarketSelectionRequest(id(event, "campaignId"), id(event, "marketId"), id(event, "dateId"));
    }

    private static String id(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            throw new PermanentFailure("INVALID_REQUEST", "field '" + field + "' is required");
        }
        if (!value.isTextual() || !ID.matcher(value.asText()).matches()) {
            throw new PermanentFailure(
                    "INVALID_REQUEST",
                    "field '" + field
                            + "' must be a string of 1-128 letters, digits or . _ : - (starting with a letter or digit)");
        }
        return value.asText();
    }

    /**
     * The code service's idempotency key of this run: the same (campaign, market, date) always reserves under the
     * same id, so a repeated reservation gets the first one's codes and reserves nothing new.
     */
    public String reservationId() {
        return "selection-"
                + sha256(campaignId + "\n" + marketId + "\n" + dateId).substring(0, 40);
    }

    /** The sort key of the run's record in demand-table (the partition is the campaign's). */
    public String runKey() {
        return "SELECTION#" + marketId + "#" + dateId;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
