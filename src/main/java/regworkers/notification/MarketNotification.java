package regworkers.notification;

import com.fasterxml.jackson.databind.JsonNode;
import regworkers.platform.markets.MarketSelectionRequest;
import regworkers.platform.markets.RecordedWinners.StoredRun;

/** One notificationQueue message's work on a market: who owns it, where it stands, and what it sends with. */
public final class MarketNotification {

    final MarketSelectionRequest market;
    final String owner;
    final StoredRun stored;
    final JsonNode campaign;
    int nextPart;
    int nextIndex;
    int sent;
    /** this message's PublishBatch calls in flight; made on its first batch */
    PublishWindow<NotificationGenerator.Batch> window;

    private final boolean alreadyNotified;

    MarketNotification(
            MarketSelectionRequest market,
            String owner,
            StoredRun stored,
            JsonNode campaign,
            NotificationTargets.Progress progress) {
        this.market = market;
        this.owner = owner;
        this.stored = stored;
        this.campaign = campaign;
        this.nextPart = progress.nextPart();
        this.nextIndex = progress.nextIndex();
        this.sent = progress.sent();
        this.alreadyNotified = false;
    }

    private MarketNotification(MarketSelectionRequest market) {
        this.market = market;
        this.owner = null;
        this.stored = new StoredRun(0, null);
        this.campaign = null;
        this.alreadyNotified = true;
    }

    static MarketNotification notifiedBefore(MarketSelectionRequest market) {
        return new MarketNotification(market);
    }

    /** There is work to do: the market was not notified before this message. */
    public boolean isPending() {
        return !alreadyNotified;
    }

    /** Every winner has been sent. */
    public boolean isComplete() {
        return nextPart >= stored.parts();
    }

    public MarketSelectionRequest market() {
        return market;
    }

    NotificationTargets.Progress progress() {
        return new NotificationTargets.Progress(nextPart, nextIndex, sent);
    }
}
