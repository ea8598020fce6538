package regworkers.platform.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses, before any body is read, what no endpoint of this app takes: credentials in the query string (Camel's
 * platform-http maps query parameters to message headers, so {@code ?x-api-key=…} would otherwise pass for the
 * header, and query strings end up in proxies' and browsers' logs) and multipart or form bodies (every endpoint takes
 * JSON; Vert.x would otherwise decode them, multipart files to disk).
 */
@ApplicationScoped
public class RequestGuard {

    /** Runs before Quarkus' and Camel's handlers, which have lower priorities. */
    static final int PRIORITY = 1_000;
    /** The credential headers the app reads, in lower case. */
    static final Set<String> CREDENTIAL_NAMES = Set.of("authorization", "x-api-key");

    void register(@Observes Filters filters) {
        filters.register(this::guard, PRIORITY);
    }

    void guard(RoutingContext context) {
        Optional<HttpRefusal> refusal = refusal(
                context.request().query(),
                context.request().getHeader("Content-Type"),
                hasBody(
                        context.request().getHeader("Content-Length"),
                        context.request().getHeader("Transfer-Encoding")));
        if (refusal.isPresent()) {
            refusal.get().send(context);
        } else {
            context.next();
        }
    }

    /** Whether the request carries a body: a declared length above 0, or a chunked one. */
    static boolean hasBody(String contentLength, String transferEncoding) {
        if (transferEncoding != null && !transferEncoding.isBlank()) {
            return true;
        }
        try {
            return contentLength != null && Long.parseLong(contentLength.trim()) > 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /**
     * Why a request with this query string, Content-Type and body (or none) is refused, if it is. A form or multipart
     * Content-Type without a body is let through: clients send one on an empty POST (curl -d '', RestAssured).
     */
    static Optional<HttpRefusal> refusal(String query, String contentType, boolean hasBody) {
        if (query != null && !query.isEmpty()) {
            for (String parameter : query.split("&")) {
                int equals = parameter.indexOf('=');
                String name = decode(equals < 0 ? parameter : parameter.substring(0, equals))
                        .trim()
                        .toLowerCase(Locale.ROOT);
                if (CREDENTIAL_NAMES.contains(name)) {
                    return Optional.of(new HttpRefusal(
                            400,
                            "CREDENTIALS_IN_QUERY",
                            "credentials are accepted only as the Authorization or x-api-key header, never as a query parameter",
                            name));
                }
            }
        }
        if (contentType != null && hasBody) {
            String type = contentType.trim().toLowerCase(Locale.ROOT);
            if (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")) {
                return Optional.of(new HttpRefusal(
                        415,
                        "UNSUPPORTED_MEDIA_TYPE",
                        "multipart and form bodies are refused; send application/json",
                        null));
            }
        }
        return Optional.empty();
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /** A refusal answered as the app's client errors are: {@code {"error", "message", "field"?}}. */
    public record HttpRefusal(int status, String error, String message, String field) {

        public void send(RoutingContext context) {
            JsonObject body = new JsonObject().put("error", error).put("message", message);
            if (field != null) {
                body.put("field", field);
            }
            // the body was not read: close the connection rather than let the client keep streaming into it
            context.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Connection", "close")
                    .end(body.encode());
        }
    }
}
