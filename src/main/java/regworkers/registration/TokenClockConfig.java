package regworkers.registration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** smallrye-jwt's own expiry leeway ({@code mp.jwt.verify.clock.skew}, seconds), which the token cache honours too. */
@ConfigMapping(prefix = "mp.jwt.verify.clock")
public interface TokenClockConfig {

    @WithDefault("60")
    int skew();
}
