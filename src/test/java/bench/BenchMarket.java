package bench;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import standins.DemoData;
import standins.StandIns;

/**
 * The one market the selection and notification benchmarks work on: a fresh campaign (the demo campaign's shape, a
 * new id) with that market, seeded in the campaign stand-in, its scoring records in the entry stand-in and a code
 * pool of its capacity in the code stand-in.
 */
record BenchMarket(String campaignId, String marketId, String dateId) {

    static final String MARKET = "bench-market";
    static final String DATE = "2026-11-25";

    /**
     * Seeds campaign {@code bench-<benchmark>-<now>}: one market named {@code marketName} of {@code capacity}
     * winners, {@code scoringRecords} records scored from {@code seed}.
     */
    static BenchMarket seed(
            StandIns standIns, String benchmark, String marketName, int capacity, int scoringRecords, long seed) {
        String campaignId = "bench-" + benchmark + "-" + System.currentTimeMillis();
        ObjectNode campaign =
                DemoData.campaign(Instant.now()).put("id", campaignId).put("slug", "slug-" + campaignId);
        campaign.putArray("markets")
                .addObject()
                .put("id", MARKET)
                .put("name", marketName)
                .put("capacity", capacity);
        standIns.campaign().seedCampaign(campaign);
        standIns.entry().seedScoringRecords(campaignId, MARKET, scoringRecords, seed);
        standIns.code().seedCodePool(campaignId, MARKET, capacity);
        return new BenchMarket(campaignId, MARKET, DATE);
    }

    /** The market as the selection trigger (POST /selections/markets) and notificationQueue take it. */
    String target() {
        return "{\"campaignId\":\"" + campaignId + "\",\"dateId\":\"" + dateId + "\",\"marketId\":\"" + marketId
                + "\"}";
    }
}
