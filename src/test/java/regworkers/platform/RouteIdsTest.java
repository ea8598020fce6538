package regworkers.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStackResource;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.PatternHelper;
import org.junit.jupiter.api.Test;

/**
 * Which routes run in a per-stack pod is decided by route ids ({@link WorkerSelection#routeFilterPattern}): a route
 * whose id names no worker would run everywhere or nowhere. With every worker selected (the test profile), every route
 * id is a platform route or belongs to exactly one worker, and every worker has its routes.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class RouteIdsTest {

    @Inject
    CamelContext camel;

    @Test
    void everyRouteBelongsToExactlyOneWorkerOrToThePlatform() {
        List<String> orphans = new ArrayList<>();
        Set<Worker> withRoutes = EnumSet.noneOf(Worker.class);
        for (Route route : camel.getRoutes()) {
            String id = route.getRouteId();
            if (id.startsWith(WorkerSelection.PLATFORM_ROUTE_PREFIX)) {
                continue;
            }
            List<Worker> owners = new ArrayList<>();
            for (Worker worker : Worker.values()) {
                if (id.equals(worker.id()) || id.startsWith(worker.id() + "-")) {
                    owners.add(worker);
                }
            }
            if (owners.size() != 1) {
                orphans.add(id + " → " + owners);
            } else {
                withRoutes.add(owners.get(0));
            }
        }
        assertEquals(List.of(), orphans, "route ids that name no worker, or more than one");
        assertEquals(EnumSet.allOf(Worker.class), withRoutes, "every worker has its routes");
    }

    @Test
    void aWorkersRouteIdsSelectOnlyThatWorker() {
        WorkerSelection registration = WorkerSelection.of("upsertUsers", null);
        String pattern = registration.routeFilterPattern();
        assertTrue(matches(pattern, "upsertUsers-invoke").isPresent());
        assertTrue(matches(pattern, "checkEligibility").isEmpty(), pattern);
    }

    @Test
    void aProcessCreatesTheRoutesOfOnlyTheServicesItsWorkersCall() {
        String registration = WorkerSelection.of(null, "registration").routeFilterExcludePattern();
        for (String excluded : List.of(
                "platform-service-entry",
                "platform-service-entry-attempt",
                "platform-service-code",
                "platform-service-scoring-attempt")) {
            assertTrue(matches(registration, excluded).isPresent(), excluded + " not excluded by " + registration);
        }
        for (String kept : List.of(
                "platform-service-campaign",
                "platform-service-campaign-attempt",
                "platform-service-user-attempt",
                "platform-invoke",
                "checkEligibility")) {
            assertTrue(matches(registration, kept).isEmpty(), kept + " excluded by " + registration);
        }
        assertEquals("", WorkerSelection.of(null, null).routeFilterExcludePattern(), "every worker: every service");
    }

    /** The part of Camel's route filter pattern that takes the route, as Camel matches it. */
    private static Optional<String> matches(String pattern, String routeId) {
        return Arrays.stream(pattern.split(","))
                .filter(part -> PatternHelper.matchPattern(routeId, part))
                .findFirst();
    }
}
