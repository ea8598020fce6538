package standins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An in-memory, contract-checked stand-in of one downstream HTTP service. Subclasses declare their
 * operations with {@link #on} (each must exist in the service's contract) and keep their own state.
 *
 * <p>Every service request is recorded, may meet injected {@link Faults}, must carry the API key when
 * one is configured, and must honour the contract (else 400 naming the violations). The
 * {@code /_admin} operations (faults, reset, recorded requests, seeding) skip all of that.
 */
public abstract class StandInServer implements AutoCloseable {

    private static final int THREADS = 16;
    private static final int RECORDED_REQUESTS_KEPT = 10_000;
    private static final String ADMIN_PREFIX = "/_admin/";

    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs: ~40 ms per answer.
        // Read once, when the first HttpServer is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final String service;
    private final ContractValidator contract;
    private final String apiKey;
    private final Router routes = new Router();
    private final Router adminRoutes = new Router();
    private final Deque<RecordedRequest> recorded = new ArrayDeque<>();
    /** "METHOD path" of the service requests as they arrive, before any injected latency (at most 10,000). */
    private final Deque<String> arrived = new ArrayDeque<>();

    private volatile Faults faults = Faults.NONE;
    private HttpServer server;
    private ExecutorService workers;
    private ScheduledExecutorService delayer;

    /**
     * @param service      the service name; its contract is {@code {contractsDir}/{service}-service.yaml}
     * @param apiKey       the x-api-key every service request must carry, or null to accept any
     */
    protected StandInServer(String service, Path contractsDir, String apiKey) {
        this.service = service;
        this.contract = ContractValidator.load(contractsDir.resolve(service + "-service.yaml"));
        this.apiKey = apiKey;
        onAdmin("GET", "/_admin/faults", request -> StandInResponse.ok(faults));
        onAdmin("PUT", "/_admin/faults", request -> {
            faults(parseFaults(request.requiredBody()));
            return StandInResponse.ok(faults);
        });
        onAdmin("POST", "/_admin/reset", request -> {
            reset();
            return StandInResponse.noContent();
        });
        onAdmin("GET", "/_admin/requests", request -> StandInResponse.ok(recordedAsJson()));
    }

    /** Declares a service operation; fails at once when the contract does not have it. */
    protected final void on(String method, String pathTemplate, Router.Handler handler) {
        contract.operation(method, pathTemplate);
        routes.add(method, pathTemplate, handler);
    }

    /** Declares an admin operation (seeding, inspecting); not part of the contract. */
    protected final void onAdmin(String method, String path, Router.Handler handler) {
        adminRoutes.add(method, path, handler);
    }

    /** Forgets the service's own state (called by {@link #reset()}). */
    protected abstract void clearState();

    public final synchronized void start(int port) {
        if (server != null) {
            throw new IllegalStateException(service + " stand-in already started");
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the " + service + " stand-in to port " + port, e);
        }
        workers = Executors.newFixedThreadPool(THREADS, daemonThreads(service + "-stand-in"));
        delayer = Executors.newSingleThreadScheduledExecutor(daemonThreads(service + "-stand-in-delay"));
        server.setExecutor(workers);
        server.createContext("/", this::accept);
        server.start();
    }

    public final synchronized void stop() {
        if (server != null) {
            server.stop(0);
            delayer.shutdownNow();
            workers.shutdownNow();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public final String service() {
        return service;
    }

    public final ContractValidator contract() {
        return contract;
    }

    public final synchronized int port() {
        if (server == null) {
            throw new IllegalStateException(service + " stand-in is not started");
        }
        return server.getAddress().getPort();
    }

    public final String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public final Faults faults() {
        return faults;
    }

    public final void faults(Faults faults) {
        this.faults = Objects.requireNonNull(faults);
    }

    /** Clears state, faults and recorded requests. */
    public final void reset() {
        faults = Faults.NONE;
        synchronized (recorded) {
            recorded.clear();
            arrived.clear();
        }
        clearState();
    }

    /** The last service requests received (at most 10,000), oldest first. */
    public final List<RecordedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /** "METHOD path" of the last service requests that arrived, answered or not yet (an injected latency). */
    public final List<String> arrivals() {
        synchronized (recorded) {
            return List.copyOf(arrived);
        }
    }

    private void accept(HttpExchange exchange) {
        String path = exchange.getRequestURI().getRawPath();
        if (!isAdmin(path)) {
            synchronized (recorded) {
                arrived.addLast(exchange.getRequestMethod() + " " + path);
                if (arrived.size() > RECORDED_REQUESTS_KEPT) {
                    arrived.removeFirst();
                }
            }
        }
        long latencyMs = faults.latencyMs();
        if (latencyMs == 0 || isAdmin(exchange.getRequestURI().getRawPath())) {
            answer(exchange);
        } else {
            // Delays wait on a timer, not on a worker, so slow answers do not cap the throughput.
            delayer.schedule(() -> workers.execute(() -> answer(exchange)), latencyMs, TimeUnit.MILLISECONDS);
        }
    }

    private void answer(HttpExchange exchange) {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String body = readBody(exchange);
            StandInResponse response;
            if (isAdmin(path)) {
                response = handle(adminRoutes, method, path, query, body);
            } else {
                response = handleServiceRequest(exchange, method, path, query, body);
                record(new RecordedRequest(method, query == null ? path : path + "?" + query, body, response.status()));
            }
            send(exchange, response);
        } catch (IOException e) {
            // The client went away; nothing to answer.
        }
    }

    private StandInResponse handleServiceRequest(
            HttpExchange exchange, String method, String path, String query, String body) {
        Faults current = faults;
        if (current.down()) {
            return StandInResponse.error(503, service + " service is down", null);
        }
        if (current.failStatus() != 0) {
            return StandInResponse.error(current.failStatus(), "injected status " + current.failStatus(), null);
        }
        if (current.maintenancePage()) {
            return StandInResponse.html("<html><body><h1>Down for maintenance</h1></body></html>");
        }
        if (apiKey != null && !apiKey.equals(exchange.getRequestHeaders().getFirst("x-api-key"))) {
            return StandInResponse.error(401, "missing or wrong x-api-key", null);
        }
        if (rolls(current.throttleRate())) {
            return StandInResponse.error(429, "throttled", null).withHeader("Retry-After", "1");
        }
        if (rolls(current.errorRate())) {
            return StandInResponse.error(503, "injected failure", null);
        }
        return handle(routes, method, path, query, body);
    }

    private StandInResponse handle(Router router, String method, String path, String query, String rawBody) {
        try {
            Router.Match match = router.find(method, path)
                    .orElseThrow(() -> router.knowsPath(path)
                            ? new HttpError(405, method + " is not allowed on " + path, null)
                            : HttpError.notFound("no operation " + method + " " + path));
            Map<String, String> parameters = parseQuery(query);
            JsonNode body = rawBody.isEmpty() ? null : parseBody(rawBody);
            if (router == routes) {
                List<String> violations = contract.validateRequest(method, path, parameters, body);
                if (!violations.isEmpty()) {
                    throw HttpError.contractViolation(contract.title(), violations);
                }
            }
            return match.route().handler().handle(new StandInRequest(match.pathParameters(), parameters, body));
        } catch (HttpError e) {
            return e.toResponse();
        } catch (RuntimeException e) {
            return StandInResponse.error(500, service + " stand-in failed: " + e, null);
        }
    }

    private static boolean rolls(double rate) {
        return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    private static boolean isAdmin(String path) {
        return path.startsWith(ADMIN_PREFIX);
    }

    private static JsonNode parseBody(String rawBody) {
        try {
            return Json.parse(rawBody);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private static Faults parseFaults(JsonNode body) {
        try {
            return Json.MAPPER.treeToValue(body, Faults.class);
        } catch (IOException | IllegalArgumentException e) {
            throw HttpError.badRequest("bad faults: " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.putIfAbsent(
                    URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private void record(RecordedRequest request) {
        synchronized (recorded) {
            recorded.addLast(request);
            if (recorded.size() > RECORDED_REQUESTS_KEPT) {
                recorded.removeFirst();
            }
        }
    }

    private ArrayNode recordedAsJson() {
        ArrayNode list = Json.array();
        for (RecordedRequest request : requests()) {
            list.addObject()
                    .put("method", request.method())
                    .put("path", request.path())
                    .put("status", request.status())
                    .set("body", request.json());
        }
        return list;
    }

    private static String readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void send(HttpExchange exchange, StandInResponse response) throws IOException {
        response.headers().forEach(exchange.getResponseHeaders()::set);
        if (response.body() == null) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        boolean html = response.body().isTextual();
        byte[] bytes = html
                ? response.body().asText().getBytes(StandardCharsets.UTF_8)
                : Json.MAPPER.writeValueAsBytes(response.body());
        exchange.getResponseHeaders().set("Content-Type", html ? "text/html" : "application/json");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
