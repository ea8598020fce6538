package regworkers.registration;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import regworkers.platform.ExpiringMap;

/**
 * Parsed campaigns this process read in the last few seconds, in front of Redis: a hot slug then costs neither a
 * Redis round trip nor a JSON parse per request. Kept short ({@code campaign-cache.local-ttl}, 5 s; 0 turns it off)
 * because replicas do not tell each other of changes: a campaign change reaches every replica within that time after
 * it reached Redis.
 */
final class RecentCampaigns {

    private final Duration ttl;
    private final Clock clock;
    private final ExpiringMap<Campaign> campaigns;

    RecentCampaigns(Duration ttl, int capacity, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
        this.campaigns = ttl.isZero() ? null : new ExpiringMap<>(capacity, clock);
    }

    Optional<Campaign> get(String slug) {
        return campaigns == null ? Optional.empty() : campaigns.get(slug);
    }

    Campaign put(String slug, Campaign campaign) {
        if (campaigns != null) {
            campaigns.put(slug, campaign, clock.millis() + ttl.toMillis());
        }
        return campaign;
    }
}
