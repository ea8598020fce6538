package standins;

/** Identifies one market of one campaign. */
record MarketKey(String campaignId, String marketId) {}
