package standins;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Picks the handler for a method and a path among routes declared with path templates. */
final class Router {

    interface Handler {
        StandInResponse handle(StandInRequest request);
    }

    record Route(String method, PathTemplate path, Handler handler) {}

    record Match(Route route, Map<String, String> pathParameters) {}

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    void add(String method, String pathTemplate, Handler handler) {
        routes.add(new Route(method, new PathTemplate(pathTemplate), handler));
    }

    Optional<Match> find(String method, String path) {
        return routes.stream()
                .filter(route -> route.method().equals(method) && route.path().match(path) != null)
                .max(Comparator.comparingInt(route -> route.path().literalSegments()))
                .map(route -> new Match(route, route.path().match(path)));
    }

    boolean knowsPath(String path) {
        return routes.stream().anyMatch(route -> route.path().match(path) != null);
    }
}
