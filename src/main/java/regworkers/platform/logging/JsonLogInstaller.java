package regworkers.platform.logging;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Handler;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.logging.json.runtime.JsonFormatter;
import io.quarkus.runtime.StartupEvent;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * Puts {@link JsonLogFormatter} on the console handler as soon as the application starts.
 *
 * <p>Quarkus offers applications no hook for a log formatter (only {@code @LoggingFilter} for filters; formatters
 * come from extensions' build items), so this swaps the formatter of the console handler Quarkus built: under the
 * root logger, {@code QuarkusDelayedHandler} → [{@code AsyncHandler} →] {@code ConsoleHandler}. The handler, its
 * level, its filter ({@code pii-redaction}) and its async wrapper stay as they are.
 *
 * <p>Only a console handler whose formatter is Quarkus' JSON formatter with {@code log-format=default} is touched:
 * with {@code quarkus.log.console.json.enabled=false} (e.g. {@code LOG_JSON=false} locally) lines stay
 * human-readable, and the ECS / GCP layouts keep their own schemas. Lines logged before startup (Quarkus and Camel
 * boot) are written by Quarkus' formatter: still one JSON object per line, with their context under {@code "mdc"}.
 */
@Singleton
public class JsonLogInstaller {

    private static final Logger LOG = Logger.getLogger(JsonLogInstaller.class);

    void onStart(@Observes @Priority(1) StartupEvent event) {
        try {
            Config config = ConfigProvider.getConfig();
            String logFormat = config.getOptionalValue("quarkus.log.console.json.log-format", String.class)
                    .orElse("default");
            if (!"default".equalsIgnoreCase(logFormat.trim())) {
                LOG.debugf("console JSON log-format is %s: keeping Quarkus' formatter", logFormat);
                return;
            }
            String dateFormat = config.getOptionalValue("quarkus.log.console.json.date-format", String.class)
                    .orElse("default");
            int replaced = install(LogContext.getLogContext().getLogger(""), dateFormat, defaultWorker(config));
            LOG.debugf("flat JSON log formatter installed on %d console handler(s)", replaced);
        } catch (RuntimeException | LinkageError e) {
            // never fail startup over the log layout: Quarkus' JSON lines are still valid JSON
            LOG.warn("could not install the flat JSON log formatter; keeping Quarkus' JSON formatter", e);
        }
    }

    /**
     * Replaces the formatter of every console handler under {@code root} whose formatter is Quarkus' JSON formatter.
     *
     * @return how many formatters were replaced (0 when JSON is off or they already were)
     */
    public static int install(java.util.logging.Logger root, String dateFormat, String defaultWorker) {
        Set<Handler> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int replaced = 0;
        for (Handler handler : root.getHandlers()) {
            replaced += install(handler, dateFormat, defaultWorker, seen);
        }
        return replaced;
    }

    private static int install(Handler handler, String dateFormat, String defaultWorker, Set<Handler> seen) {
        if (handler == null || !seen.add(handler)) {
            return 0;
        }
        int replaced = 0;
        if (handler instanceof ConsoleHandler console
                && console.getFormatter() instanceof JsonFormatter quarkus
                && !(quarkus instanceof JsonLogFormatter)) {
            console.setFormatter(JsonLogFormatter.replacing(quarkus, dateFormat, defaultWorker));
            replaced++;
        }
        if (handler instanceof ExtHandler parent) {
            for (Handler child : parent.getHandlers()) {
                replaced += install(child, dateFormat, defaultWorker, seen);
            }
        }
        return replaced;
    }

    /** APP_NAME when the process runs one worker; else the application's name. */
    static String defaultWorker(Config config) {
        Optional<String> appName =
                config.getOptionalValue("app.name", String.class).filter(name -> !name.isBlank());
        return appName.or(() -> config.getOptionalValue("quarkus.application.name", String.class))
                .map(String::trim)
                .orElse("reg-workers");
    }
}
