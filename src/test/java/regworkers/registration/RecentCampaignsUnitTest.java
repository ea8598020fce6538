package regworkers.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import standins.DemoData;
import support.MutableClock;

class RecentCampaignsUnitTest {

    private static final ObjectMapper MAPPER =
            JsonMapper.builder().findAndAddModules().build();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));

    private Campaign demo() throws Exception {
        return MAPPER.treeToValue(DemoData.campaign(clock.instant()), Campaign.class);
    }

    @Test
    void aCampaignIsServedFromMemoryForTheTtlOnly() throws Exception {
        RecentCampaigns recent = new RecentCampaigns(Duration.ofSeconds(5), 10, clock);
        Campaign campaign = demo();
        assertSame(campaign, recent.put(DemoData.SLUG, campaign));
        assertEquals(Optional.of(campaign), recent.get(DemoData.SLUG));
        assertEquals(Optional.empty(), recent.get("another-slug"));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(Optional.of(campaign), recent.get(DemoData.SLUG), "still within 5 s");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Optional.empty(), recent.get(DemoData.SLUG), "older than 5 s: read from Redis again");
    }

    @Test
    void aZeroTtlTurnsItOffAndTheCapacityBoundsIt() throws Exception {
        Campaign campaign = demo();
        RecentCampaigns off = new RecentCampaigns(Duration.ZERO, 10, clock);
        off.put(DemoData.SLUG, campaign);
        assertTrue(off.get(DemoData.SLUG).isEmpty());

        RecentCampaigns small = new RecentCampaigns(Duration.ofSeconds(5), 2, clock);
        small.put("a", campaign);
        small.put("b", campaign);
        small.put("c", campaign);
        assertTrue(small.get("a").isEmpty() && small.get("b").isEmpty(), "full: emptied before c went in");
        assertEquals(Optional.of(campaign), small.get("c"));
    }
}
