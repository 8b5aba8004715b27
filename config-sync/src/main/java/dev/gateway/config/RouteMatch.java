package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a request must look like to take a route: path pattern; method in {@code methods} (empty = any);
 * host (lower-case, exact or {@code *.example.com}; null = any); headers with these exact values;
 * query parameters with these exact values. Header names are compared case-insensitively.
 */
public record RouteMatch(PathPattern path, Set<String> methods, String host, Map<String, String> headers,
                         Map<String, String> query) {
    public RouteMatch {
        Check.notNull(path, "path");
        ArrayList<String> upper = new ArrayList<>();
        for (String m : Check.set(methods, "methods")) {
            upper.add(Check.token(m, "methods").toUpperCase(Locale.ROOT));
        }
        methods = Check.set(upper, "methods");
        if (host != null) {
            host = host.toLowerCase(Locale.ROOT);
            Check.that(host.matches("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*"), "host",
                    host, "a host name such as api.example.com or *.example.com");
        }
        headers = Check.map(headers, "headers");
        headers.forEach((k, v) -> {
            Check.token(k, "headers");
            Check.headerValue(v, "headers");
        });
        query = Check.map(query, "query");
        query.keySet().forEach(k -> Check.that(!k.isEmpty(), "query", k, "a non-empty parameter name"));
    }

    /** Matches the path only, any method, host, header and query. */
    public static RouteMatch path(PathPattern path) {
        return new RouteMatch(path, Set.of(), null, Map.of(), Map.of());
    }
}
