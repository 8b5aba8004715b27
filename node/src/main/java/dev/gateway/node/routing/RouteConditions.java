package dev.gateway.node.routing;

import dev.gateway.config.RouteMatch;
import dev.gateway.node.http.Headers;
import dev.gateway.node.http.QueryParameters;
import java.util.Set;

/** The compiled {@code match:} of one route. Immutable and thread-safe. */
final class RouteConditions {
    private final PathMatcher path;
    private final HostMatcher host;
    private final Set<String> methods;
    private final String[] headerNames;
    private final String[] headerValues;
    private final String[] queryNames;
    private final String[] queryValues;

    RouteConditions(RouteMatch match) {
        this.path = new PathMatcher(match.path());
        this.host = HostMatcher.of(match.host());
        this.methods = Set.copyOf(match.methods());
        this.headerNames = match.headers().keySet().toArray(String[]::new);
        this.headerValues = match.headers().values().toArray(String[]::new);
        this.queryNames = match.query().keySet().toArray(String[]::new);
        this.queryValues = match.query().values().toArray(String[]::new);
    }

    /** Everything but the method matches. */
    boolean matchesIgnoringMethod(String requestHost, String requestPath, Headers headers, String query) {
        if (!path.matches(requestPath)) {
            return false;
        }
        if (host != null && !host.matches(requestHost)) {
            return false;
        }
        for (int i = 0; i < headerNames.length; i++) {
            if (!headerValues[i].equals(headers.get(headerNames[i]))) {
                return false;
            }
        }
        for (int i = 0; i < queryNames.length; i++) {
            if (!queryValues[i].equals(QueryParameters.get(query, queryNames[i]))) {
                return false;
            }
        }
        return true;
    }

    boolean allowsMethod(String method) {
        return methods.isEmpty() || methods.contains(method)
                || (method.equals("HEAD") && methods.contains("GET"));
    }

    Set<String> methods() {
        return methods;
    }

    /**
     * Orders routes from most to least specific: path first (exact, regex, longer prefix), then
     * host (exact, wildcard, none), then the number of header and query conditions, then a
     * method list over none. Equal keys keep the file's order.
     */
    long specificity() {
        long hostRank = host == null ? 0 : host.wildcard() ? 1 : 2;
        long conditions = Math.min(headerNames.length + queryNames.length, 99);
        return (long) path.specificity() * 10_000L + hostRank * 1_000L + conditions * 10L + (methods.isEmpty() ? 0 : 1);
    }

}
