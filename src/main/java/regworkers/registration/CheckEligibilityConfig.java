package regworkers.registration;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** checkEligibility's endpoint and tokens ({@code check-eligibility.*}; what each does: application.properties). */
@ConfigMapping(prefix = "check-eligibility")
public interface CheckEligibilityConfig {

    String path();

    long maxBodyBytes();

    String idvClaim();

    String cardClaim();

    TokenCache tokenCache();

    interface TokenCache {

        int size();

        Duration maxAge();
    }
}
