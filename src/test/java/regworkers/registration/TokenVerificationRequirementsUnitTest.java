package regworkers.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenVerificationRequirementsUnitTest {

    private static final Map<String, String> COMPLETE = Map.of(
            "mp.jwt.verify.publickey.location", "https://idp.example/.well-known/jwks.json",
            "mp.jwt.verify.issuer", "https://idp.example/",
            "mp.jwt.verify.audiences", "reg-workers");

    static List<Arguments> cases() {
        return List.of(
                Arguments.of("prod, complete", List.of("prod"), COMPLETE, List.of()),
                Arguments.of(
                        "prod, inline key instead of a location",
                        List.of("prod"),
                        Map.of(
                                "mp.jwt.verify.publickey",
                                "-----BEGIN PUBLIC KEY-----",
                                "mp.jwt.verify.issuer",
                                "https://idp.example/",
                                "mp.jwt.verify.audiences",
                                "reg-workers"),
                        List.of()),
                Arguments.of(
                        "prod, nothing",
                        List.of("prod"),
                        Map.of(),
                        List.of(
                                "mp.jwt.verify.publickey.location (or mp.jwt.verify.publickey)",
                                "mp.jwt.verify.issuer",
                                "mp.jwt.verify.audiences")),
                Arguments.of(
                        "prod, no audiences",
                        List.of("prod"),
                        without(COMPLETE, "mp.jwt.verify.audiences"),
                        List.of("mp.jwt.verify.audiences")),
                Arguments.of(
                        "qa, blank issuer",
                        List.of("qa"),
                        with(COMPLETE, "mp.jwt.verify.issuer", " "),
                        List.of("mp.jwt.verify.issuer")),
                Arguments.of(
                        "dev (a deployed environment), no issuer",
                        List.of("dev"),
                        without(COMPLETE, "mp.jwt.verify.issuer"),
                        List.of("mp.jwt.verify.issuer")),
                Arguments.of("local, nothing", List.of("local"), Map.of(), List.of()),
                Arguments.of("test (parent local), nothing", List.of("test", "local"), Map.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void namesEachMissingProperty(
            String name, List<String> profiles, Map<String, String> config, List<String> missing) {
        assertEquals(
                missing, TokenVerificationRequirements.missing(key -> Optional.ofNullable(config.get(key)), profiles));
    }

    private static Map<String, String> without(Map<String, String> config, String key) {
        Map<String, String> copy = new java.util.HashMap<>(config);
        copy.remove(key);
        return copy;
    }

    private static Map<String, String> with(Map<String, String> config, String key, String value) {
        Map<String, String> copy = new java.util.HashMap<>(config);
        copy.put(key, value);
        return copy;
    }
}
