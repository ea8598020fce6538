package regworkers.registration;

import java.util.Locale;

/** A campaign gate's card or country rule against what the fan's token and profile say. */
final class GateRules {

    private GateRules() {}

    static boolean allows(Campaign.GateRule rule, UserInfo userInfo, AccessToken token) {
        return switch (rule.type()) {
            case COUNTRY ->
                userInfo.countryCode() != null
                        && rule.allowed().stream()
                                .anyMatch(country -> country.equalsIgnoreCase(
                                        userInfo.countryCode().trim()));
            case CARD ->
                token.cards().stream()
                        .anyMatch(card -> rule.allowed().stream()
                                .anyMatch(allowed -> allowed.equalsIgnoreCase(card.toLowerCase(Locale.ROOT))));
        };
    }
}
