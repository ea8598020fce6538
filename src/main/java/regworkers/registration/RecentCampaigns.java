package regworkers.registration;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed campaigns this process read in the last few seconds, in front of Redis: a hot slug then costs neither a
 * Redis round trip nor a JSON parse per request. Kept short ({@code campaign-cache.local-ttl}, 5 s) because
 * replicas do not tell each other of changes: a campaign change reaches every replica within that time after it
 * reached Redis. At most {@code capacity} slugs; when full, expired ones go first, then all.
 */
final class RecentCampaigns {

    private record Entry(Campaign campaign, long untilMillis) {
    }

    private final Duration ttl;
    private final int capacity;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    RecentCampaigns(Duration ttl, int capacity, Clock clock) {
        this.ttl = ttl;
        this.capacity = capacity;
        this.clock = clock;
    }

    Optional<Campaign> get(String slug) {
        Entry entry = ttl.isZero() ? null : entries.get(slug);
        if (entry == null || clock.millis() > entry.untilMillis()) {
            return Optional.empty();
        }
        return Optional.of(entry.campaign());
    }

    Campaign put(String slug, Campaign campaign) {
        if (ttl.isZero()) {
            return campaign;
        }
        long now = clock.millis();
        if (entries.size() >= capacity) {
            entries.values().removeIf(entry -> entry.untilMillis() < now);
            if (entries.size() >= capacity) {
                entries.clear();
            }
        }
        entries.put(slug, new Entry(campaign, now + ttl.toMillis()));
        return campaign;
    }
}
