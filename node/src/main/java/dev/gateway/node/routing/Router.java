package dev.gateway.node.routing;

import dev.gateway.node.http.Headers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the route of a request: the most specific route whose conditions all hold (see
 * {@link RouteConditions#specificity()}), ties broken by the order in the config file.
 * Immutable and thread-safe; one per config version.
 */
public final class Router {
    private final Route[] routes;

    public Router(List<Route> inFileOrder) {
        List<Route> sorted = new ArrayList<>(inFileOrder);
        // List.sort is stable, so equal specificity keeps file order.
        sorted.sort(Comparator.comparingLong((Route r) -> r.conditions().specificity()).reversed());
        this.routes = sorted.toArray(Route[]::new);
    }

    /**
     * @param hostHeader the request's Host header as received (port allowed), may be null
     * @return the route, or null when none matches (see {@link #allowedMethods} for 404 vs 405)
     */
    public Route match(String method, String hostHeader, String path, Headers headers, String query) {
        String host = HostMatcher.hostOf(hostHeader);
        for (Route route : routes) {
            RouteConditions c = route.conditions();
            if (c.allowsMethod(method) && c.matchesIgnoringMethod(host, path, headers, query)) {
                return route;
            }
        }
        return null;
    }

    /**
     * The methods allowed on a request that matched no route: empty means no route matches
     * the request at all (404); otherwise the path matched with other methods (405).
     */
    public Set<String> allowedMethods(String hostHeader, String path, Headers headers, String query) {
        String host = HostMatcher.hostOf(hostHeader);
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            if (route.conditions().matchesIgnoringMethod(host, path, headers, query)) {
                allowed.addAll(route.conditions().methods());
                if (route.conditions().methods().contains("GET")) {
                    allowed.add("HEAD");
                }
            }
        }
        return allowed;
    }

    public List<Route> routes() {
        return List.of(routes);
    }
}
