package regworkers.notification;

import regworkers.selection.MarketSelectionRequest;

/** Another generator is sending this market's notifications now (or took it over): this message retries later. */
public class NotificationInProgress extends RuntimeException {

    NotificationInProgress(MarketSelectionRequest market) {
        super("another generator is notifying market " + market.marketId() + " of campaign " + market.campaignId()
                + " (date " + market.dateId() + ")");
    }
}
