package regworkers.platform;

import java.net.URI;

import io.smallrye.config.ConfigMapping;

/** The Redis checkEligibility caches campaigns in ({@code redis.url}; the client reads it as quarkus.redis.hosts). */
@ConfigMapping(prefix = "redis")
public interface RedisConfig {

    URI url();
}
