package regworkers.platform;

import io.smallrye.config.ConfigMapping;

/** The operations endpoints ({@code operations.enabled}): invoke a worker, list and redrive dead letters (SPEC §5). */
@ConfigMapping(prefix = "operations")
public interface OperationsConfig {

    boolean enabled();
}
