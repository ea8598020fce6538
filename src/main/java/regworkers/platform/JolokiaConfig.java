package regworkers.platform;

import io.smallrye.config.ConfigMapping;

/** The read-only Jolokia agent ({@code jolokia.*}): off unless enabled, on loopback by default. */
@ConfigMapping(prefix = "jolokia")
public interface JolokiaConfig {

    boolean enabled();

    String host();

    int port();
}
