package regworkers.replication;

import regworkers.platform.BatchItem;
import regworkers.platform.EntryItems;
import regworkers.platform.QueueMessage;

/** A saveEntries message as received: its event, not yet checked against the item's current state. */
public record ReceivedEntry(QueueMessage message, String correlationId, EntryEvent event) implements BatchItem {

    public String campaignId() {
        return event.campaignId();
    }

    public EntryItems.Key key() {
        return new EntryItems.Key(event.campaignId(), event.globalUserId());
    }
}
