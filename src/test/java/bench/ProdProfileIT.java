package bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import localstack.LocalPaths;
import localstack.LocalStack;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * checkEligibility as a production pod runs it: the packaged app in the prod profile (run by failsafe after the
 * package phase of {@code ./mvnw verify}), its verification key a JWKS URL served over real HTTP. It refuses to
 * start without an issuer and audiences; started, nothing listens for Jolokia, a token for another audience or from
 * another issuer is 401, and a key the identity provider adds to its JWKS is taken at a token's first use.
 */
class ProdProfileIT {

    private static final String ISSUER = "https://idp.example/";
    private static final String AUDIENCE = "reg-workers-prod";
    private static final String USER = "prod-profile-user";

    private static LocalStack stack;
    private static HttpServer jwksServer;
    private static final AtomicReference<String> JWKS = new AtomicReference<>();
    private static final AtomicInteger JWKS_FETCHES = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startStack() throws IOException {
        stack = LocalStack.start(LocalStack.Ports.FREE);
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/jwks", exchange -> {
            JWKS_FETCHES.incrementAndGet();
            byte[] body = JWKS.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwksServer.start();
    }

    @AfterAll
    static void stopStack() {
        if (jwksServer != null) {
            jwksServer.stop(0);
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void withoutIssuerAndAudiencesCheckEligibilityRefusesToStart() throws Exception {
        Map<String, String> config = appConfig();
        config.remove("mp.jwt.verify.issuer");
        config.remove("mp.jwt.verify.audiences");
        try (AppProcess app = start(config, "prod-profile-unconfigured")) {
            assertTrue(app.awaitExit(Duration.ofSeconds(90)), "the app started without an issuer and audiences");
            String log = Files.readString(app.log());
            assertTrue(
                    log.contains("mp.jwt.verify.issuer") && log.contains("mp.jwt.verify.audiences"),
                    "the refusal names both properties; log tail:\n" + tail(log));
        }
    }

    @Test
    void aMistypedOrMalformedSettingStopsTheStartNamingIt() throws Exception {
        Map<String, String> config = appConfig();
        config.put("queue.max-recieve-count", "3"); // a typo of queue.max-receive-count
        config.put("queue.heartbeat-interval", "ten seconds"); // not a duration
        try (AppProcess app = start(config, "prod-profile-mistyped")) {
            assertTrue(
                    app.awaitExit(Duration.ofSeconds(90)), "the app started with a mistyped and a malformed setting");
            String log = Files.readString(app.log());
            assertTrue(
                    log.contains("queue.max-recieve-count") && log.contains("queue.heartbeat-interval"),
                    "the refusal names both settings; log tail:\n" + tail(log));
        }
    }

    @Test
    void tokensAreCheckedForIssuerAudienceAndTheCurrentKeys() throws Exception {
        Key first = Key.generate("first");
        Key second = Key.generate("second");
        Key third = Key.generate("third");
        JWKS.set(jwks(first));
        Map<String, String> config = appConfig();
        config.put("LOG_LEVEL", "DEBUG");
        try (AppProcess app = start(config, "prod-profile")) {
            app.awaitReady(Duration.ofSeconds(120));

            assertFalse(listens(app.jolokiaPort()), "Jolokia listens in the prod profile");
            assertFalse(listens(8778), "something listens on 8778");

            assertEquals(
                    200, check(app, first.sign(ISSUER, AUDIENCE)).statusCode(), "a token for this audience and issuer");
            HttpResponse<String> otherAudience = check(app, first.sign(ISSUER, "another-service"));
            assertEquals(401, otherAudience.statusCode(), otherAudience.body());
            assertTrue(otherAudience.body().contains("audience"), otherAudience.body());
            HttpResponse<String> otherIssuer = check(app, first.sign("https://another-idp.example/", AUDIENCE));
            assertEquals(401, otherIssuer.statusCode(), otherIssuer.body());
            assertTrue(otherIssuer.body().contains("issuer"), otherIssuer.body());

            // rotation: the identity provider publishes a new key, then signs with it; the first token with its kid
            // makes the app fetch the JWKS again rather than wait for the next scheduled refresh
            JWKS.set(jwks(first, second));
            int fetchesBefore = JWKS_FETCHES.get();
            assertEquals(
                    200,
                    check(app, second.sign(ISSUER, AUDIENCE)).statusCode(),
                    "a token signed with the newly published key");
            assertEquals(fetchesBefore + 1, JWKS_FETCHES.get(), "the unknown kid made one JWKS fetch");

            // those forced fetches are rate-limited (smallrye.jwt.jwks.forced-refresh-interval, 1 min): a key
            // published right after one waits for the next, so a flood of unknown kids cannot hammer the IdP
            JWKS.set(jwks(first, second, third));
            assertEquals(
                    401,
                    check(app, third.sign(ISSUER, AUDIENCE)).statusCode(),
                    "a second forced fetch within the interval");
            assertEquals(fetchesBefore + 1, JWKS_FETCHES.get(), "no JWKS fetch within the forced-refresh interval");

            // LOG_LEVEL=DEBUG logs DEBUG lines, but none from the HTTP clients' wire or header loggers
            List<String> lines = Files.readAllLines(app.log());
            assertTrue(
                    lines.stream().anyMatch(line -> line.contains("\"level\":\"DEBUG\"")),
                    "LOG_LEVEL=DEBUG logged no DEBUG line");
            for (String wire : List.of(
                    "org.apache.hc.client5.http.wire",
                    "org.apache.hc.client5.http.headers",
                    "org.apache.http.wire",
                    "org.apache.http.headers",
                    "software.amazon.awssdk.request")) {
                assertTrue(
                        lines.stream().noneMatch(line -> line.contains("\"loggerName\":\"" + wire)),
                        wire + " logged at DEBUG");
            }
        }
    }

    private static AppProcess start(Map<String, String> config, String name) throws Exception {
        Path root = LocalPaths.projectRoot();
        return AppProcess.startInProfile(
                root,
                root.resolve("target/quarkus-app/quarkus-run.jar"),
                "prod",
                "checkEligibility",
                config,
                root.resolve("target/failsafe-logs/" + name + ".log"));
    }

    private static Map<String, String> appConfig() {
        Map<String, String> config = new LinkedHashMap<>(stack.appConfig());
        for (String service : List.of("campaign", "entry", "code", "user", "scoring")) {
            config.put("services." + service + ".api-key", "local");
        }
        config.put(
                "mp.jwt.verify.publickey.location",
                "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks");
        config.put("mp.jwt.verify.issuer", ISSUER);
        config.put("mp.jwt.verify.audiences", AUDIENCE);
        return config;
    }

    private HttpResponse<String> check(AppProcess app, String token) throws Exception {
        String body = "{\"slug\":\"no-such-campaign\",\"entry\":{},\"userInfo\":{\"globalUserId\":\"" + USER
                + "\"},\"doTransfer\":false}";
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/checkEligibility"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean listens(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String jwks(Key... keys) {
        return new JsonWebKeySet(java.util.Arrays.stream(keys).map(Key::jwk).toList())
                .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private record Key(String kid, KeyPair pair) {

        static Key generate(String kid) throws Exception {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new Key(kid, generator.generateKeyPair());
        }

        JsonWebKey jwk() {
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
            jwk.setKeyId(kid);
            jwk.setAlgorithm("RS256");
            jwk.setUse("sig");
            return jwk;
        }

        String sign(String issuer, String audience) {
            return Jwt.issuer(issuer)
                    .audience(audience)
                    .subject(USER)
                    .issuedAt(Instant.now().minusSeconds(1))
                    .expiresAt(Instant.now().plusSeconds(600))
                    .jws()
                    .keyId(kid)
                    .algorithm(SignatureAlgorithm.RS256)
                    .sign(pair.getPrivate());
        }
    }
}
