package bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import standins.EntryStandIn;
import standins.RecordedRequest;

/**
 * Counts the upserts of one campaign's entries that the entry stand-in answered, from its recorded requests, without
 * touching the stand-in: every {@link #poll()} takes the requests recorded since the previous poll (the stand-in
 * keeps the last 10 000; the new ones are those after the last one seen, found by identity) and counts each entry of
 * each {@code PUT /campaigns/{campaignId}/entries} answered 200. A poll that cannot find the last request seen (more
 * than 10 000 new requests since the previous poll) sets {@link #gap()}: the counts may then miss some upserts.
 * Start one after {@code EntryStandIn.reset()}.
 */
final class EntryUpserts {

    private final EntryStandIn entryService;
    private final String path;
    private final Map<String, Integer> upsertsByUser = new HashMap<>();
    private RecordedRequest lastSeen;
    private boolean gap;
    private long calls;
    private long failedCalls;
    private long otherRequests;
    private long entriesUpserted;

    EntryUpserts(EntryStandIn entryService, String campaignId) {
        this.entryService = entryService;
        this.path = "/campaigns/" + campaignId + "/entries";
    }

    /** Takes the requests recorded since the last poll; returns how many distinct entries were upserted so far. */
    int poll() {
        List<RecordedRequest> recorded = entryService.requests();
        int from = 0;
        if (lastSeen != null) {
            int at = recorded.size() - 1;
            while (at >= 0 && recorded.get(at) != lastSeen) {
                at--;
            }
            if (at < 0) {
                gap = true;
            }
            from = at + 1;
        }
        for (RecordedRequest request : recorded.subList(from, recorded.size())) {
            if (!request.method().equals("PUT") || !request.path().equals(path)) {
                otherRequests++;
                continue;
            }
            if (request.status() != 200) {
                failedCalls++;
                continue;
            }
            calls++;
            JsonNode body = request.json();
            for (JsonNode entry : body == null ? List.<JsonNode>of() : body.path("entries")) {
                upsertsByUser.merge(entry.path("globalUserId").asText(), 1, Integer::sum);
                entriesUpserted++;
            }
        }
        if (!recorded.isEmpty()) {
            lastSeen = recorded.get(recorded.size() - 1);
        }
        return upsertsByUser.size();
    }

    int distinct() {
        return upsertsByUser.size();
    }

    Map<String, Integer> upsertsByUser() {
        return upsertsByUser;
    }

    /** Entries upserted more than once: upserts minus distinct entries. */
    long duplicates() {
        return entriesUpserted - upsertsByUser.size();
    }

    long calls() {
        return calls;
    }

    long failedCalls() {
        return failedCalls;
    }

    long otherRequests() {
        return otherRequests;
    }

    long entriesUpserted() {
        return entriesUpserted;
    }

    boolean gap() {
        return gap;
    }
}
