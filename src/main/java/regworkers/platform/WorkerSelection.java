package regworkers.platform;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import regworkers.platform.services.Service;

/**
 * Which workers this process runs (SPEC §1): APP_NAME names one worker, APP_STACK one stack, neither means all.
 * Routes of workers not selected are filtered out before they are created, so they open no connections.
 */
public record WorkerSelection(Set<Worker> workers) {

    /** Routes every process runs whatever it selects (invoke endpoint, DLQ tooling). */
    public static final String PLATFORM_ROUTE_PREFIX = "platform-";

    /** The id of a route every process runs: {@code platform-<part>}. */
    public static String platformRouteId(String part) {
        return PLATFORM_ROUTE_PREFIX + part;
    }

    public static WorkerSelection of(String appName, String appStack) {
        boolean hasName = appName != null && !appName.isBlank();
        boolean hasStack = appStack != null && !appStack.isBlank();
        if (hasName && hasStack) {
            throw new IllegalArgumentException(
                    "set APP_NAME or APP_STACK, not both (APP_NAME=" + appName + ", APP_STACK=" + appStack + ")");
        }
        if (hasName) {
            Worker worker = Worker.byId(appName.trim())
                    .orElseThrow(() -> new IllegalArgumentException("unknown APP_NAME '" + appName
                            + "'; known workers: " + names(EnumSet.allOf(Worker.class))));
            return new WorkerSelection(EnumSet.of(worker));
        }
        if (hasStack) {
            Worker.Stack stack = Worker.Stack.byId(appStack.trim())
                    .orElseThrow(
                            () -> new IllegalArgumentException("unknown APP_STACK '" + appStack + "'; known stacks: "
                                    + Arrays.stream(Worker.Stack.values())
                                            .map(Worker.Stack::id)
                                            .collect(Collectors.joining(", "))));
            return new WorkerSelection(Arrays.stream(Worker.values())
                    .filter(w -> w.stack() == stack)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(Worker.class))));
        }
        return new WorkerSelection(EnumSet.allOf(Worker.class));
    }

    public boolean runs(Worker worker) {
        return workers.contains(worker);
    }

    public boolean uses(Worker.Dependency dependency) {
        return workers.stream().anyMatch(worker -> worker.dependencies().contains(dependency));
    }

    /**
     * Camel's route filter: a worker's routes have ids {@code <worker>} or {@code <worker>-<part>};
     * platform routes start with {@value #PLATFORM_ROUTE_PREFIX}.
     */
    public String routeFilterPattern() {
        return workers.stream().map(w -> w.id() + "," + w.id() + "-*").collect(Collectors.joining(",")) + ","
                + PLATFORM_ROUTE_PREFIX + "*";
    }

    /**
     * Camel's route filter, excluding: the routes of the services no selected worker calls, so a process creates no
     * HTTP client, breaker or rate limit it never uses. Empty when every service is called.
     */
    public String routeFilterExcludePattern() {
        return Arrays.stream(Service.values())
                .filter(service -> !uses(service.dependency()))
                .map(service -> service.routeId() + "," + service.attemptRouteId())
                .collect(Collectors.joining(","));
    }

    private static String names(Set<Worker> workers) {
        return workers.stream().map(Worker::id).collect(Collectors.joining(", "));
    }
}
