package regworkers.selection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import regworkers.platform.markets.MarketSelectionRequest;
import regworkers.platform.markets.Selection;

/**
 * One invocation's view of a market's selection run, carried on the exchange from claim to emission. A run whose
 * selections were already recorded ({@link #selected()}) is only emitted again; otherwise this invocation owns it and
 * ranks, reserves and records.
 */
public final class SelectionRun {

    private final MarketSelectionRequest request;
    private final String owner;
    private final boolean selected;
    private final boolean takenOver;

    WinnerRanking ranking;
    String cursor;
    boolean morePages = true;
    int pages;
    /** When this invocation last confirmed it owns the run (epoch millis). */
    long lastHeartbeat;

    int capacity;
    long scored;
    long unscored;
    int wanted;
    int shortfall;
    int messages;
    List<Selection> selections;

    SelectionRun(MarketSelectionRequest request, String owner, boolean selected, boolean takenOver) {
        this.request = request;
        this.owner = owner;
        this.selected = selected;
        this.takenOver = takenOver;
    }

    public MarketSelectionRequest request() {
        return request;
    }

    String owner() {
        return owner;
    }

    /** The run's winners were recorded by an earlier invocation: this one re-emits them and reserves nothing. */
    public boolean selected() {
        return selected;
    }

    public boolean needsSelection() {
        return !selected;
    }

    public boolean morePages() {
        return morePages;
    }

    public List<Selection> selections() {
        return selections;
    }

    /** What the invocation answers, and what its log line says. */
    public Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("campaignId", request.campaignId());
        summary.put("marketId", request.marketId());
        summary.put("dateId", request.dateId());
        summary.put("rerun", selected);
        summary.put("resumedAbandonedRun", takenOver);
        summary.put("capacity", capacity);
        summary.put("scoredEntries", scored);
        summary.put("unscoredEntries", unscored);
        summary.put("winners", selections == null ? 0 : selections.size());
        summary.put("shortfall", shortfall);
        summary.put("messages", messages);
        return summary;
    }
}
