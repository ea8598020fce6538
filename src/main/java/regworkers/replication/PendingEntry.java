package regworkers.replication;

import java.util.Map;

import regworkers.platform.BatchItem;
import regworkers.platform.QueueMessage;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A saveEntries message checked against the item's current state.
 *
 * @param current   the item now (null for a REMOVE, whose item is gone)
 * @param staleWhy  why the event is stale and needs no work, or null
 */
public record PendingEntry(
        QueueMessage message,
        String correlationId,
        String campaignId,
        String globalUserId,
        Operation operation,
        Map<String, AttributeValue> current,
        String staleWhy)
        implements BatchItem {

    public enum Operation {
        INSERT,
        MODIFY,
        REMOVE
    }

    public boolean isStale() {
        return staleWhy != null;
    }

    public boolean isRemove() {
        return operation == Operation.REMOVE;
    }
}
