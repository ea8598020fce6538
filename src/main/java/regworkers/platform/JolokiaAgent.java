package regworkers.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;
import org.jboss.logging.Logger;
import org.jolokia.jvmagent.JolokiaServer;
import org.jolokia.jvmagent.JolokiaServerConfig;
import org.jolokia.server.core.service.api.LogHandler;

/**
 * Camel's MBeans over HTTP for Hawtio: Jolokia's agent, started only when {@code jolokia.enabled} (JOLOKIA_ENABLED;
 * the local profile turns it on), bound to {@code jolokia.host} (loopback) and read-only by the access policy
 * {@code jolokia-access.xml} (read, list, search, version; no exec, no write). When it is off, no socket is opened at
 * all: Jolokia binds its port when its server is created, before it is started.
 */
@ApplicationScoped
public class JolokiaAgent {

    private static final Logger LOG = Logger.getLogger(JolokiaAgent.class);

    @Inject
    JolokiaConfig config;

    private JolokiaServer server;

    void start(@Observes StartupEvent startup) {
        if (!config.enabled()) {
            return;
        }
        Map<String, String> settings = Map.of(
                "host", config.host(),
                "port", Integer.toString(config.port()),
                "agentContext", "/jolokia",
                "policyLocation", "classpath:/jolokia-access.xml",
                "discoveryEnabled", "false");
        try {
            server = new JolokiaServer(new JolokiaServerConfig(settings), new JBossLogHandler());
        } catch (IOException e) {
            throw new UncheckedIOException("Jolokia cannot listen on " + config.host() + ":" + config.port(), e);
        }
        server.start();
        LOG.infof("Jolokia (read-only) listens on %s", server.getUrl());
    }

    @PreDestroy
    void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (IllegalStateException jvmExiting) {
                // stop() unregisters Jolokia's shutdown hook, which the JVM refuses while it exits; that hook stops it
                LOG.debug("Jolokia is stopped by its own shutdown hook");
            }
        }
    }

    /** Jolokia's own log lines, through the application's logging (JSON, redaction). */
    private static final class JBossLogHandler implements LogHandler {

        @Override
        public void debug(String message) {
            LOG.debug(message);
        }

        @Override
        public void info(String message) {
            LOG.info(message);
        }

        @Override
        public void error(String message, Throwable failure) {
            LOG.error(message, failure);
        }

        @Override
        public boolean isDebug() {
            return LOG.isDebugEnabled();
        }
    }
}
