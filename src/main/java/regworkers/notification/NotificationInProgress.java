package regworkers.notification;

import regworkers.platform.WorkDoneElsewhere;
import regworkers.platform.markets.MarketSelectionRequest;

/**
 * Another message's generator is sending this market's notifications now (or took it over): that message stays in
 * its queue until the market is done or handed on, so this one has nothing to do and is acknowledged.
 */
public class NotificationInProgress extends WorkDoneElsewhere {

    NotificationInProgress(MarketSelectionRequest market) {
        super("another generator is notifying market " + market.marketId() + " of campaign " + market.campaignId()
                + " (date " + market.dateId() + ")");
    }
}
