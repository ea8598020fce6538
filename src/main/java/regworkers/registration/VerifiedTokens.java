package regworkers.registration;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens already verified, by their exact text: AppSync sends the same token with every call of a session, and the
 * signature check is the largest single cost of a cached checkEligibility. A changed byte is another key, so a forged
 * or altered token is always verified in full. An entry lives until the token expires (with the configured leeway)
 * and at most {@code maxAge}, which bounds how long a token keeps working after its signing key is withdrawn. The map
 * holds at most {@code capacity} tokens: when full, expired entries go first, then all of them.
 */
final class VerifiedTokens {

    private record Entry(AccessToken token, long validUntilMillis) {
    }

    private final int capacity;
    private final Duration maxAge;
    private final Duration leeway;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    VerifiedTokens(int capacity, Duration maxAge, Duration leeway, Clock clock) {
        this.capacity = capacity;
        this.maxAge = maxAge;
        this.leeway = leeway;
        this.clock = clock;
    }

    Optional<AccessToken> get(String raw) {
        Entry entry = capacity == 0 ? null : entries.get(raw);
        if (entry == null) {
            return Optional.empty();
        }
        if (clock.millis() > entry.validUntilMillis()) {
            entries.remove(raw);
            return Optional.empty();
        }
        return Optional.of(entry.token());
    }

    /** Remembers a token that was just verified; {@code expiresAtSeconds} is its {@code exp} claim (0: none). */
    void put(String raw, AccessToken token, long expiresAtSeconds) {
        if (capacity == 0) {
            return;
        }
        long now = clock.millis();
        long untilAge = now + maxAge.toMillis();
        long untilExpiry = expiresAtSeconds <= 0 ? untilAge : expiresAtSeconds * 1000 + leeway.toMillis();
        if (entries.size() >= capacity) {
            entries.values().removeIf(entry -> entry.validUntilMillis() < now);
            if (entries.size() >= capacity) {
                entries.clear();
            }
        }
        entries.put(raw, new Entry(token, Math.min(untilAge, untilExpiry)));
    }

    int size() {
        return entries.size();
    }
}
