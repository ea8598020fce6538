package regworkers.platform.markets;

import io.smallrye.config.ConfigMapping;

/** How a run's winners are stored ({@code selection.part-size}: winners per demand-table item). */
@ConfigMapping(prefix = "selection")
public interface WinnersStorageConfig {

    int partSize();
}
