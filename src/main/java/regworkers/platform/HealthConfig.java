package regworkers.platform;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** The dependency checks ({@code health.*}): each bounded so the group answers inside the probe's timeout. */
@ConfigMapping(prefix = "health")
public interface HealthConfig {

    Duration checkTimeout();
}
