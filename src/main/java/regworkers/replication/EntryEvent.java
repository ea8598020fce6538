package regworkers.replication;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import regworkers.platform.JsonMessage;
import regworkers.platform.PermanentFailure;
import regworkers.replication.PendingEntry.Operation;

/**
 * A saveEntriesQueue message: {entry, operation} as enqueueEntries writes it. Only the entry's keys are read: the
 * entry's state is the item's now, never the message's (which may be old).
 */
public record EntryEvent(Operation operation, String campaignId, String globalUserId) {

    static final String INVALID = "INVALID_MESSAGE";

    public static EntryEvent read(ObjectMapper json, String body) {
        JsonMessage message = JsonMessage.read(json, body, INVALID, "{entry, operation} with entry an object");
        ObjectNode entry = message.object("entry");
        Operation operation;
        try {
            operation = Operation.valueOf(message.node().path("operation").asText());
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure("UNKNOWN_OPERATION", "operation must be INSERT, MODIFY or REMOVE");
        }
        return new EntryEvent(
                operation, id(entry, "campaignId", "pk", "CAMPAIGN#"), id(entry, "globalUserId", "sk", "USER#"));
    }

    /** The id as a field of the entry, or else from the item's key ({@code pk=CAMPAIGN#…}, {@code sk=USER#…}). */
    private static String id(ObjectNode entry, String field, String keyField, String keyPrefix) {
        String value = entry.path(field).asText("");
        if (value.isBlank() && entry.path(keyField).asText("").startsWith(keyPrefix)) {
            value = entry.path(keyField).asText().substring(keyPrefix.length());
        }
        if (value.isBlank()) {
            throw new PermanentFailure(INVALID, "entry." + field + " is missing");
        }
        return value;
    }
}
