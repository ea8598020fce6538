package regworkers.replication;

import com.fasterxml.jackson.databind.ObjectMapper;
import regworkers.platform.JsonMessage;

/** A retryScoreQueue message: the entry to score again. */
public record ScoreRequest(String campaignId, String globalUserId) {

    public static ScoreRequest read(ObjectMapper json, String body) {
        JsonMessage message = JsonMessage.read(json, body, "INVALID_MESSAGE", "{campaignId, globalUserId}");
        return new ScoreRequest(message.text("campaignId"), message.text("globalUserId"));
    }
}
