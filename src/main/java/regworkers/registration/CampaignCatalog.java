package regworkers.registration;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.ValueCommands;
import regworkers.platform.WorkerLog;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceRequest;
import regworkers.platform.services.ServiceResponse;

/**
 * Campaigns by slug: for a few seconds from this process's memory ({@link RecentCampaigns}), then cache-aside in Redis ({@code campaign:{slug}}, TTL 3600 s). Unknown slugs are remembered
 * briefly ({@code campaign-not-found:{slug}}); concurrent misses of one slug share a single campaign-service call;
 * when the service fails, the last copy seen ({@code campaign-stale:{slug}}, kept longer) is served and the log
 * says so. A Redis failure is treated as a miss: the cache never makes a request fail.
 */
@ApplicationScoped
public class CampaignCatalog {

    private static final WorkerLog LOG = WorkerLog.of(CampaignCatalog.class);

    static final String KEY = "campaign:";
    static final String NOT_FOUND_KEY = "campaign-not-found:";
    static final String STALE_KEY = "campaign-stale:";

    @Inject
    CampaignCacheConfig cache;

    @Inject
    RedisDataSource redis;

    @Inject
    ServiceClient services;

    @Inject
    ObjectMapper json;

    private RecentCampaigns recent;

    @PostConstruct
    void createLocalCache() {
        recent = new RecentCampaigns(cache.localTtl(), 10_000, Clock.systemUTC());
    }

    private final ConcurrentMap<String, CompletableFuture<Optional<String>>> loading = new ConcurrentHashMap<>();

    public Optional<Campaign> bySlug(String slug) {
        Optional<Campaign> recentlyRead = recent.get(slug);
        if (recentlyRead.isPresent()) {
            return recentlyRead;
        }
        Map<String, String> cached = cacheGet(KEY + slug, NOT_FOUND_KEY + slug);
        String campaign = cached.get(KEY + slug);
        if (campaign != null) {
            return Optional.of(recent.put(slug, parse(campaign)));
        }
        if (cached.get(NOT_FOUND_KEY + slug) != null) {
            return Optional.empty();
        }
        return loadOnce(slug).map(loaded -> recent.put(slug, parse(loaded)));
    }

    /** One campaign-service call per slug at a time; the other callers wait for its result. */
    private Optional<String> loadOnce(String slug) {
        CompletableFuture<Optional<String>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<String>> running = loading.putIfAbsent(slug, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
            }
        }
        try {
            Optional<String> loaded = load(slug);
            mine.complete(loaded);
            return loaded;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(slug, mine);
        }
    }

    private Optional<String> load(String slug) {
        ServiceResponse response;
        try {
            response = services.call(
                    ServiceRequest.get(Service.CAMPAIGN, "/campaigns/by-slug/" + ServiceRequest.segment(slug)));
            if (!response.isNotFound()) {
                response.requireSuccess();
            }
        } catch (RuntimeException serviceFailure) {
            String stale = cacheGet(STALE_KEY + slug).get(STALE_KEY + slug);
            if (stale == null) {
                throw serviceFailure;
            }
            LOG.warn(
                    "Campaign service failing: serving the stale cached campaign",
                    Map.of("slug", slug, "servedStale", true, "error", serviceFailure.getMessage()));
            return Optional.of(stale);
        }
        if (response.isNotFound()) {
            cachePut(NOT_FOUND_KEY + slug, "1", cache.notFoundTtl());
            return Optional.empty();
        }
        cachePut(KEY + slug, response.body(), cache.ttl());
        cachePut(STALE_KEY + slug, response.body(), cache.staleTtl());
        return Optional.of(response.body());
    }

    private Campaign parse(String campaign) {
        try {
            return json.readValue(campaign, Campaign.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the campaign is not readable: " + e.getOriginalMessage(), e);
        }
    }

    private Map<String, String> cacheGet(String... keys) {
        try {
            Map<String, String> values = values().mget(keys);
            return values == null ? Map.of() : values;
        } catch (RuntimeException e) {
            LOG.warn("Campaign cache unavailable: treated as a miss", Map.of("error", String.valueOf(e.getMessage())));
            return Map.of();
        }
    }

    private void cachePut(String key, String value, Duration expiry) {
        try {
            values().setex(key, expiry.toSeconds(), value);
        } catch (RuntimeException e) {
            LOG.warn("Campaign cache unavailable: not cached", Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    private ValueCommands<String, String> values() {
        return redis.value(String.class);
    }
}
