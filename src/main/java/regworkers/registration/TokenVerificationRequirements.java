package regworkers.registration;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import org.eclipse.microprofile.config.ConfigProvider;
import regworkers.platform.Worker;
import regworkers.platform.WorkerSelection;

/**
 * A checkEligibility that accepted any issuer's or any audience's token signed by a key it trusts would let a token
 * minted for another service act here. Outside the local and test profiles, a process running checkEligibility
 * refuses to start unless the key, the issuer and the audiences to check are all configured.
 */
@ApplicationScoped
public class TokenVerificationRequirements {

    static final String ISSUER = "mp.jwt.verify.issuer";
    static final String AUDIENCES = "mp.jwt.verify.audiences";
    static final String KEY_LOCATION = "mp.jwt.verify.publickey.location";
    static final String KEY = "mp.jwt.verify.publickey";
    /** Profiles that run on a developer's machine or in tests, with the local key pair. */
    static final Set<String> RELAXED_PROFILES = Set.of("local", "test");

    @Inject
    WorkerSelection selection;

    void requireVerificationSettings(@Observes @Priority(10) StartupEvent startup) {
        if (!selection.runs(Worker.CHECK_ELIGIBILITY)) {
            return;
        }
        List<String> missing = missing(
                name -> ConfigProvider.getConfig().getOptionalValue(name, String.class), ConfigUtils.getProfiles());
        if (!missing.isEmpty()) {
            throw new IllegalStateException(
                    "checkEligibility refuses to start: " + String.join(", ", missing) + " must be set outside the "
                            + "local and test profiles (environment MP_JWT_VERIFY_ISSUER, MP_JWT_VERIFY_AUDIENCES, MP_JWT_VERIFY_PUBLICKEY or "
                            + "MP_JWT_VERIFY_PUBLICKEY_LOCATION; k8s/README.md)");
        }
    }

    /** The verification properties a process with these profiles lacks; none in a relaxed profile. */
    static List<String> missing(Function<String, Optional<String>> config, List<String> profiles) {
        if (profiles.stream().anyMatch(RELAXED_PROFILES::contains)) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        if (isBlank(config.apply(KEY)) && isBlank(config.apply(KEY_LOCATION))) {
            missing.add(KEY_LOCATION + " (or " + KEY + ")");
        }
        if (isBlank(config.apply(ISSUER))) {
            missing.add(ISSUER);
        }
        if (isBlank(config.apply(AUDIENCES))) {
            missing.add(AUDIENCES);
        }
        return missing;
    }

    private static boolean isBlank(Optional<String> value) {
        return value.map(String::isBlank).orElse(true);
    }
}
