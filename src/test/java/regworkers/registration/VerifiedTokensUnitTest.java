package regworkers.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import support.MutableClock;

class VerifiedTokensUnitTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final AccessToken fan = new AccessToken("fan-1", false, List.of());

    @Test
    void aVerifiedTokenIsKnownUntilItExpiresWithTheLeeway() {
        VerifiedTokens tokens = new VerifiedTokens(10, Duration.ofHours(1), Duration.ofSeconds(30), clock);
        tokens.put("header.payload.sig", fan, clock.instant().plusSeconds(60).getEpochSecond());
        assertEquals(Optional.of(fan), tokens.get("header.payload.sig"));
        assertEquals(Optional.empty(), tokens.get("header.payload.sig2"), "another text is another token");
        clock.advance(Duration.ofSeconds(89));
        assertEquals(Optional.of(fan), tokens.get("header.payload.sig"), "within exp + leeway");
        clock.advance(Duration.ofSeconds(2));
        assertEquals(
                Optional.empty(), tokens.get("header.payload.sig"), "past exp + leeway: verified again (and refused)");
    }

    @Test
    void noEntryOutlivesTheMaximumAge() {
        VerifiedTokens tokens = new VerifiedTokens(10, Duration.ofMinutes(5), Duration.ofSeconds(30), clock);
        tokens.put("t", fan, clock.instant().plus(Duration.ofDays(1)).getEpochSecond());
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertEquals(Optional.empty(), tokens.get("t"));
    }

    @Test
    void theCacheStaysWithinItsCapacityAndZeroTurnsItOff() {
        VerifiedTokens tokens = new VerifiedTokens(3, Duration.ofMinutes(5), Duration.ZERO, clock);
        for (int i = 0; i < 10; i++) {
            tokens.put("t" + i, fan, clock.instant().plusSeconds(600).getEpochSecond());
            assertTrue(tokens.size() <= 3);
        }
        VerifiedTokens off = new VerifiedTokens(0, Duration.ofMinutes(5), Duration.ZERO, clock);
        off.put("t", fan, clock.instant().plusSeconds(600).getEpochSecond());
        assertEquals(Optional.empty(), off.get("t"));
    }
}
