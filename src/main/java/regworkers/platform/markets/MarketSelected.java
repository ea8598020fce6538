package regworkers.platform.markets;

/**
 * A market's winners were recorded and emitted (a CDI event): what the selection stack tells whoever acts on a
 * selected market, without knowing who does (the notification stack registers it to notify).
 */
public record MarketSelected(MarketSelectionRequest market) {}
