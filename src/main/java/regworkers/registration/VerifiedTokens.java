package regworkers.registration;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import regworkers.platform.ExpiringMap;

/**
 * Tokens already verified, by their exact text: AppSync sends the same token with every call of a session, and the
 * signature check is the largest single cost of a cached checkEligibility. A changed byte is another key, so a forged
 * or altered token is always verified in full. An entry lives until the token expires (with the configured leeway)
 * and at most {@code maxAge}, which bounds how long a token keeps working after its signing key is withdrawn; at most
 * {@code capacity} tokens are kept (0 turns the cache off).
 */
final class VerifiedTokens {

    private final Duration maxAge;
    private final Duration leeway;
    private final Clock clock;
    private final ExpiringMap<AccessToken> tokens;

    VerifiedTokens(int capacity, Duration maxAge, Duration leeway, Clock clock) {
        this.maxAge = maxAge;
        this.leeway = leeway;
        this.clock = clock;
        this.tokens = capacity == 0 ? null : new ExpiringMap<>(capacity, clock);
    }

    Optional<AccessToken> get(String raw) {
        return tokens == null ? Optional.empty() : tokens.get(raw);
    }

    /** Remembers a token that was just verified; {@code expiresAtSeconds} is its {@code exp} claim (0: none). */
    void put(String raw, AccessToken token, long expiresAtSeconds) {
        if (tokens == null) {
            return;
        }
        long untilAge = clock.millis() + maxAge.toMillis();
        long untilExpiry = expiresAtSeconds <= 0 ? untilAge : expiresAtSeconds * 1000 + leeway.toMillis();
        tokens.put(raw, token, Math.min(untilAge, untilExpiry));
    }

    int size() {
        return tokens == null ? 0 : tokens.size();
    }
}
