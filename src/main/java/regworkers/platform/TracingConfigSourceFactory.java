package regworkers.platform;

import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Tracing is on exactly when there is somewhere to send it: the OpenTelemetry SDK starts when
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set, unless {@code OTEL_SDK_DISABLED} says otherwise. Its ordinal is below
 * application.properties, so a profile there (the tests') may still decide.
 */
public class TracingConfigSourceFactory implements ConfigSourceFactory {

    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean disabled =
                sdkDisabled(value(context, "OTEL_SDK_DISABLED"), value(context, "OTEL_EXPORTER_OTLP_ENDPOINT"));
        return List.of(
                new PropertiesConfigSource(Map.of(SDK_DISABLED, Boolean.toString(disabled)), "tracing-switch", 240));
    }

    static boolean sdkDisabled(String explicitlyDisabled, String otlpEndpoint) {
        if (explicitlyDisabled != null && !explicitlyDisabled.isBlank()) {
            return Boolean.parseBoolean(explicitlyDisabled.trim());
        }
        return otlpEndpoint == null || otlpEndpoint.isBlank();
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null ? null : value.getValue();
    }
}
