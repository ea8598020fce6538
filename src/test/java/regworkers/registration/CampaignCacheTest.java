package regworkers.registration;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import standins.CampaignStandIn;
import standins.DemoData;
import standins.Faults;
import support.Tokens;

/** The campaign lookup of checkEligibility against real Redis and the campaign stand-in. */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class CampaignCacheTest {

    private static final String USER = DemoData.INVITED_USER;
    private static final String ENTRY =
            "{\"email\":\"fan@example.com\",\"markets\":[\"market-123\"],\"ticket_count\":1}";

    @Inject
    RedisDataSource redis;

    private final CampaignStandIn campaignService =
            LocalStack.shared().standIns().campaign();

    @AfterEach
    void heal() {
        campaignService.faults(Faults.NONE);
    }

    @Test
    void aCampaignIsFetchedOnceThenServedFromRedisForAnHour() {
        String slug = seedCampaign();
        IntStream.range(0, 5).forEach(i -> eligible(slug));

        assertEquals(1, lookups(slug));
        long ttl = redis.key().ttl("campaign:" + slug);
        assertTrue(ttl > 3500 && ttl <= 3600, "TTL was " + ttl);
    }

    @Test
    void anUnknownSlugIsRememberedBriefly() {
        String slug = "unknown-" + UUID.randomUUID();
        IntStream.range(0, 3)
                .forEach(i -> CheckEligibilityTest.post(
                                Tokens.forUser(USER), CheckEligibilityTest.request(slug, ENTRY, false))
                        .statusCode(200)
                        .body("reason", equalTo("CAMPAIGN_NOT_FOUND")));

        assertEquals(1, lookups(slug));
        long ttl = redis.key().ttl("campaign-not-found:" + slug);
        assertTrue(ttl > 0 && ttl <= 30, "TTL was " + ttl);
    }

    @Test
    void concurrentMissesOfOneSlugMakeOneCall() {
        String slug = seedCampaign();
        campaignService.faults(Faults.latency(500));
        List<CompletableFuture<Void>> requests = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.runAsync(() -> eligible(slug)))
                .toList();
        requests.forEach(CompletableFuture::join);

        assertEquals(1, lookups(slug));
    }

    @Test
    void theStaleCopyIsServedWhileTheCampaignServiceFails() {
        String slug = seedCampaign();
        eligible(slug);
        redis.key().del("campaign:" + slug);
        campaignService.faults(Faults.serviceDown());

        eligible(slug);
        assertTrue(lookups(slug) >= 2, "the expired copy was looked up again before the stale one was served");
    }

    private String seedCampaign() {
        ObjectNode campaign = DemoData.campaign(Instant.now());
        String id = "campaign-" + UUID.randomUUID();
        campaign.put("id", id).put("slug", "cached-" + id);
        campaignService.seedCampaign(campaign);
        return campaign.get("slug").asText();
    }

    private static void eligible(String slug) {
        CheckEligibilityTest.post(Tokens.forUser(USER), CheckEligibilityTest.request(slug, ENTRY, false))
                .statusCode(200)
                .body("isEligible", equalTo(true));
    }

    private long lookups(String slug) {
        return campaignService.requests().stream()
                .filter(r -> r.path().equals("/campaigns/by-slug/" + slug))
                .count();
    }
}
