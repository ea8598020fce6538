package regworkers.platform;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns APP_NAME / APP_STACK into Camel's route filter, so routes of workers not selected, and of services none of
 * them calls, are never created.
 */
public class WorkerSelectionConfigSourceFactory implements ConfigSourceFactory {

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        WorkerSelection selection = WorkerSelection.of(value(context, "app.name"), value(context, "app.stack"));
        Map<String, String> filter = new HashMap<>();
        filter.put("camel.main.route-filter-include-pattern", selection.routeFilterPattern());
        String excluded = selection.routeFilterExcludePattern();
        if (!excluded.isEmpty()) {
            filter.put("camel.main.route-filter-exclude-pattern", excluded);
        }
        return List.of(new PropertiesConfigSource(filter, "worker-selection", 275));
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null ? null : value.getValue();
    }
}
