package regworkers.registration;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** How long campaigns are cached ({@code campaign-cache.*}): in Redis, and briefly in this process. */
@ConfigMapping(prefix = "campaign-cache")
public interface CampaignCacheConfig {

    Duration ttl();

    Duration notFoundTtl();

    Duration staleTtl();

    Duration localTtl();
}
