package regworkers.platform.services;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One call to a downstream service.
 *
 * @param path    the path below the service's base URL, starting with '/', path segments already encoded
 * @param query   the query string without '?', or null
 * @param body    the JSON body, or null
 * @param rateKey what the service's rate limit counts per (the entry service limits per campaign); null = the service
 */
public record ServiceRequest(Service service, String method, String path, String query, String body, String rateKey) {

    public static ServiceRequest get(Service service, String path) {
        return new ServiceRequest(service, "GET", path, null, null, null);
    }

    public static ServiceRequest post(Service service, String path, String jsonBody) {
        return new ServiceRequest(service, "POST", path, null, jsonBody, null);
    }

    public static ServiceRequest put(Service service, String path, String jsonBody) {
        return new ServiceRequest(service, "PUT", path, null, jsonBody, null);
    }

    public static ServiceRequest delete(Service service, String path) {
        return new ServiceRequest(service, "DELETE", path, null, null, null);
    }

    public ServiceRequest withQuery(String value) {
        return new ServiceRequest(service, method, path, value, body, rateKey);
    }

    public ServiceRequest withRateKey(String value) {
        return new ServiceRequest(service, method, path, query, body, value);
    }

    /** A value made safe to be one path segment. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** How the request appears in logs and errors: method, service and path, never the body. */
    public String describe() {
        return method + " " + service.id() + " " + path;
    }
}
