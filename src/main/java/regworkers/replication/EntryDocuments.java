package regworkers.replication;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import regworkers.platform.EntryItems;
import regworkers.platform.PermanentFailure;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** An entry item of demand-table as the entry service's {@code Entry} (contracts/entry-service.yaml). */
final class EntryDocuments {

    private EntryDocuments() {}

    static ObjectNode toEntry(ObjectMapper json, Map<String, AttributeValue> item) {
        ObjectNode entry = json.createObjectNode()
                .put("globalUserId", EntryItems.text(item, "globalUserId"))
                .put("campaignId", EntryItems.text(item, "campaignId"));
        JsonNode fields = fields(json, EntryItems.text(item, "fields"));
        entry.set("fields", fields);
        AttributeValue score = item.get("score");
        if (score != null && score.n() != null) {
            entry.put("score", new java.math.BigDecimal(score.n()));
        } else {
            entry.putNull("score");
        }
        if (fields.path("markets").isArray()) {
            entry.set("markets", fields.get("markets"));
        }
        putText(entry, "createdAt", EntryItems.text(item, "createdAt"));
        putText(entry, "updatedAt", EntryItems.text(item, "updatedAt"));
        return entry;
    }

    private static JsonNode fields(ObjectMapper json, String text) {
        if (text == null || text.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode fields = json.readTree(text);
            if (!fields.isObject()) {
                throw new PermanentFailure("INVALID_ENTRY_ITEM", "the item's fields are not a JSON object");
            }
            return fields;
        } catch (JsonProcessingException e) {
            throw new PermanentFailure("INVALID_ENTRY_ITEM", "the item's fields are not valid JSON");
        }
    }

    private static void putText(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }
}
