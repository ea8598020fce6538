package regworkers.selection;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import regworkers.platform.JsonMessage;
import regworkers.platform.markets.Selection;

/** A saveSelectionQueue message: up to {@value #MAX_SELECTIONS} winners of one market's run. */
public record SelectionBatch(String campaignId, String marketId, String dateId, List<Selection> selections) {

    static final int MAX_SELECTIONS = 500;

    public static SelectionBatch read(ObjectMapper json, String body) {
        JsonMessage message =
                JsonMessage.read(json, body, "INVALID_MESSAGE", "{campaignId, marketId, dateId, selections}");
        List<Selection> selections = message.objects("selections", MAX_SELECTIONS).stream()
                .map(winner ->
                        new Selection(winner.text("globalUserId"), winner.text("code"), winner.positiveInt("rank")))
                .toList();
        return new SelectionBatch(
                message.text("campaignId"), message.text("marketId"), message.text("dateId"), selections);
    }
}
