package regworkers.selection;

import regworkers.platform.markets.MarketSelectionRequest;

/** Another invocation is selecting the same market right now: retry later (Step Functions does, on 409). */
public class SelectionInProgress extends RuntimeException {

    SelectionInProgress(MarketSelectionRequest request) {
        this(request, "another invocation is selecting this market now");
    }

    SelectionInProgress(MarketSelectionRequest request, String why) {
        super(why + " (campaign " + request.campaignId() + ", market " + request.marketId() + ", date "
                + request.dateId() + ")");
    }
}
