package regworkers.selection;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import regworkers.platform.JsonMessage;

/** A markAssignedCodesQueue message: codes of one market the code service is to mark assigned. */
public record CodesToMark(String campaignId, String marketId, List<String> codes) {

    static final int MAX_CODES = 500;

    public static CodesToMark read(ObjectMapper json, String body) {
        JsonMessage message = JsonMessage.read(json, body, "INVALID_MESSAGE", "{campaignId, marketId, codes}");
        return new CodesToMark(message.text("campaignId"), message.text("marketId"), message.texts("codes", MAX_CODES));
    }
}
