package regworkers.platform.services;

import regworkers.platform.Worker;
import regworkers.platform.WorkerSelection;

/** The other teams' HTTP services the workers call (SPEC §3). Each has its own rate limit and circuit breaker. */
public enum Service {
    CAMPAIGN("campaign"),
    ENTRY("entry"),
    CODE("code"),
    USER("user"),
    SCORING("scoring");

    private final String id;

    Service(String id) {
        this.id = id;
    }

    /** The name in configuration ({@code services.<id>.*}) and in route ids. */
    public String id() {
        return id;
    }

    /** Where a call to this service enters its route: retries, then rate limit, breaker and the HTTP request. */
    public String endpoint() {
        return "direct:service-" + id;
    }

    /** Node id of the service's circuit breaker, to read its state. */
    public String breakerId() {
        return "service-" + id + "-breaker";
    }

    /** The dependency a worker that calls this service has: what its pause probes. */
    public Worker.Dependency dependency() {
        return Worker.Dependency.valueOf(name() + "_SERVICE");
    }

    public static Service of(Worker.Dependency dependency) {
        return valueOf(dependency.name().replace("_SERVICE", ""));
    }

    public String attemptEndpoint() {
        return "direct:service-" + id + "-attempt";
    }

    /** The route that retries calls to this service; a process whose workers never call it does not create it. */
    public String routeId() {
        return WorkerSelection.platformRouteId("service-" + id);
    }

    /** The route of one attempt: breaker, rate limit and the HTTP request. */
    public String attemptRouteId() {
        return routeId() + "-attempt";
    }
}
