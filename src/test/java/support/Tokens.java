package support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.jwt.util.KeyUtils;
import localstack.LocalPaths;

/** Tokens for checkEligibility tests: valid ones signed with the local key pair, and the attacks that must fail. */
public final class Tokens {

    public static final String ISSUER = "https://auth.reg-workers.local";
    public static final String AUDIENCE = "reg-workers";

    private Tokens() {}

    public static String forUser(String globalUserId) {
        return sign(claims(globalUserId, Instant.now().plus(Duration.ofHours(1))), localKey());
    }

    public static String withIdentityVerified(String globalUserId) {
        return sign(
                claims(globalUserId, Instant.now().plus(Duration.ofHours(1))).claim("idv_verified", true), localKey());
    }

    public static String withCards(String globalUserId, List<String> cards) {
        return sign(
                claims(globalUserId, Instant.now().plus(Duration.ofHours(1))).claim("card_brands", cards), localKey());
    }

    /** Expired longer ago than the configured leeway. */
    public static String expired(String globalUserId) {
        return sign(
                claims(globalUserId, Instant.now().minus(Duration.ofMinutes(5)))
                        .issuedAt(Instant.now().minus(Duration.ofHours(1))),
                localKey());
    }

    public static String signedWithAnotherKey(String globalUserId) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return sign(
                    claims(globalUserId, Instant.now().plus(Duration.ofHours(1))),
                    generator.generateKeyPair().getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String fromAnotherIssuer(String globalUserId) {
        return sign(
                claims(globalUserId, Instant.now().plus(Duration.ofHours(1))).issuer("https://evil.example"),
                localKey());
    }

    /** A token the same issuer minted for another service. */
    public static String forAnotherAudience(String globalUserId) {
        return sign(
                claims(globalUserId, Instant.now().plus(Duration.ofHours(1))).audience("another-service"), localKey());
    }

    public static String withoutAudience(String globalUserId) {
        return sign(
                Jwt.issuer(ISSUER)
                        .subject(globalUserId)
                        .issuedAt(Instant.now().minusSeconds(1))
                        .expiresAt(Instant.now().plus(Duration.ofHours(1))),
                localKey());
    }

    /** An unsigned token: {@code alg: none} and an empty signature. */
    public static String unsigned(String globalUserId) {
        return base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + base64Url(payload(globalUserId)) + ".";
    }

    /** The public key used as an HMAC secret: the classic algorithm-confusion attack. */
    public static String hmacWithThePublicKey(String globalUserId) {
        try {
            String publicKey =
                    Files.readString(LocalPaths.projectRoot().resolve("src/main/resources/jwt/local-public-key.pem"));
            String signingInput =
                    base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + base64Url(payload(globalUserId));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(publicKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "."
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String payload(String globalUserId) {
        long now = Instant.now().getEpochSecond();
        return "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"" + globalUserId + "\",\"iat\":"
                + now + ",\"exp\":" + (now + 3600) + "}";
    }

    private static JwtClaimsBuilder claims(String globalUserId, Instant expiresAt) {
        return Jwt.issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(globalUserId)
                .issuedAt(Instant.now().minusSeconds(1))
                .expiresAt(expiresAt);
    }

    private static String sign(JwtClaimsBuilder claims, PrivateKey key) {
        return claims.jws()
                .algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
                .sign(key);
    }

    private static PrivateKey localKey() {
        try {
            return KeyUtils.decodePrivateKey(
                    Files.readString(LocalPaths.projectRoot().resolve("local/jwt/local-private-key.pem")));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the local JWT key", e);
        }
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
