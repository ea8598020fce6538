package regworkers.platform;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Which workers this process runs ({@code app.name} = APP_NAME, {@code app.stack} = APP_STACK; SPEC §1). */
@ConfigMapping(prefix = "app")
public interface AppConfig {

    Optional<String> name();

    Optional<String> stack();
}
