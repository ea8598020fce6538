package regworkers.registration;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import org.apache.camel.Exchange;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Verifies the caller's JWT with smallrye-jwt: signature against the configured key or JWKS
 * ({@code mp.jwt.verify.publickey.location}, RS256 or ES256 per {@code mp.jwt.verify.publickey.algorithm}), expiry
 * with {@code mp.jwt.verify.clock.skew} leeway, issuer and audience when configured. Unsigned ({@code alg:none}) and
 * other-algorithm tokens fail the algorithm check.
 */
@ApplicationScoped
@Named("accessTokens")
public class AccessTokens {

    public static final String TOKEN = "regworkers.accessToken";
    private static final String BEARER = "bearer ";

    @Inject
    CheckEligibilityConfig config;

    @Inject
    TokenClockConfig tokenClock;

    @Inject
    JWTParser parser;

    private VerifiedTokens verified;

    @PostConstruct
    void createCache() {
        verified = new VerifiedTokens(
                config.tokenCache().size(),
                config.tokenCache().maxAge(),
                Duration.ofSeconds(tokenClock.skew()),
                Clock.systemUTC());
    }

    /** 401 unless the Authorization header carries a valid bearer token. */
    public void verify(Exchange exchange) {
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        if (header == null || header.isBlank()) {
            throw ClientError.unauthorized("the Authorization header is missing");
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length()) || header.length() == BEARER.length()) {
            throw ClientError.unauthorized("the Authorization header must be 'Bearer <token>'");
        }
        String raw = header.substring(BEARER.length()).trim();
        Optional<AccessToken> known = verified.get(raw);
        if (known.isPresent()) {
            exchange.setProperty(TOKEN, known.get());
            return;
        }
        JsonWebToken jwt;
        try {
            jwt = parser.parse(raw);
        } catch (ParseException e) {
            throw ClientError.unauthorized(whyInvalid(e));
        }
        if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
            throw ClientError.unauthorized("the token has no subject");
        }
        AccessToken token = new AccessToken(
                jwt.getSubject(), Boolean.TRUE.equals(booleanClaim(jwt, config.idvClaim())), cards(jwt));
        verified.put(raw, token, jwt.getExpirationTime());
        exchange.setProperty(TOKEN, token);
    }

    /** 403 when the token belongs to someone else than the user the request is for. */
    public void requireSubject(Exchange exchange) {
        AccessToken token = exchange.getProperty(TOKEN, AccessToken.class);
        EligibilityRequest request = exchange.getProperty(EligibilityRequests.REQUEST, EligibilityRequest.class);
        if (!token.subject().equals(request.userInfo().globalUserId())) {
            throw new ClientError(
                    403, "FORBIDDEN", "the token's subject is not userInfo.globalUserId", "userInfo.globalUserId");
        }
    }

    private static String whyInvalid(ParseException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidJwtException invalid) {
                if (invalid.hasExpired()) {
                    return "the token has expired";
                }
                if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
                    return "the token's signature is not valid";
                }
                if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID)) {
                    return "the token's issuer is not accepted";
                }
                if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)) {
                    return "the token's audience is not accepted";
                }
                return "the token is not valid";
            }
        }
        return "the token could not be verified";
    }

    private static Boolean booleanClaim(JsonWebToken jwt, String name) {
        Object value = jwt.getClaim(name);
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof JsonValue json) {
            return json == JsonValue.TRUE;
        }
        return value != null && Boolean.parseBoolean(value.toString());
    }

    private List<String> cards(JsonWebToken jwt) {
        Object value = jwt.getClaim(config.cardClaim());
        if (value instanceof Collection<?> values) {
            return values.stream().map(AccessTokens::plain).toList();
        }
        if (value instanceof JsonArray array) {
            return array.stream().map(AccessTokens::plain).toList();
        }
        return List.of();
    }

    private static String plain(Object value) {
        if (value instanceof JsonString string) {
            return string.getString();
        }
        return String.valueOf(value);
    }
}
