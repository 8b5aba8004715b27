package dev.gateway.config.internal;

import dev.gateway.config.AggregatePart;
import dev.gateway.config.AuthConfig;
import dev.gateway.config.ConfigError;
import dev.gateway.config.ConsumerConfig;
import dev.gateway.config.RouteConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cross-reference checks of the shared config. Tolerates parts that failed to bind (null entries, null
 * auth), so that the codec can report these errors together with the binding errors.
 */
public final class References {
    private References() {
    }

    /**
     * @param upstreams names of the defined upstreams (also those that failed to bind)
     * @param auth the auth providers, or null to skip auth checks
     * @param policies names of the defined rate-limit policies
     * @param routes the routes in file order; null entries (failed to bind) are skipped
     */
    public static List<ConfigError> check(Set<String> upstreams, Map<String, ConsumerConfig> consumers,
                                          AuthConfig auth, Set<String> policies, List<RouteConfig> routes) {
        List<ConfigError> errors = new ArrayList<>();
        names(upstreams, "upstreams", errors);
        names(consumers.keySet(), "consumers", errors);
        names(policies, "rate-limits", errors);
        consumers(consumers, errors);
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig r = routes.get(i);
            if (r == null) {
                continue;
            }
            String at = "routes[" + i + "]";
            Integer first = ids.putIfAbsent(r.id(), i);
            if (first != null) {
                errors.add(new ConfigError(at + ".id", "'" + r.id() + "' is already the id of routes[" + first + "]"));
            }
            if (r.upstream() != null && !upstreams.contains(r.upstream())) {
                errors.add(new ConfigError(at + ".upstream", notDefined(r.upstream(), "upstream", upstreams)));
            }
            for (Map.Entry<String, AggregatePart> e : r.aggregate().entrySet()) {
                String u = e.getValue().upstream();
                if (!upstreams.contains(u)) {
                    errors.add(new ConfigError(at + ".aggregate." + e.getKey() + ".upstream",
                            notDefined(u, "upstream", upstreams)));
                }
            }
            for (int j = 0; j < r.rateLimits().size(); j++) {
                String p = r.rateLimits().get(j);
                if (!policies.contains(p)) {
                    errors.add(new ConfigError(at + ".rate-limits[" + j + "]",
                            notDefined(p, "rate-limit policy", policies)));
                }
            }
            if (auth != null) {
                for (int j = 0; j < r.auth().size(); j++) {
                    String problem = authProblem(r.auth().get(j), auth);
                    if (problem != null) {
                        errors.add(new ConfigError(at + ".auth[" + j + "]", problem));
                    }
                }
            }
        }
        return errors;
    }

    private static void names(Set<String> names, String section, List<ConfigError> errors) {
        for (String n : names) {
            if (!Check.NAME.matcher(n).matches()) {
                errors.add(new ConfigError(section + "." + n,
                        "'" + n + "' is not a valid name (expected: letters, digits, '_', '.', '-')"));
            }
        }
    }

    private static void consumers(Map<String, ConsumerConfig> consumers, List<ConfigError> errors) {
        Map<String, String> keys = new HashMap<>();
        Map<String, String> subjects = new HashMap<>();
        for (Map.Entry<String, ConsumerConfig> e : consumers.entrySet()) {
            ConsumerConfig c = e.getValue();
            if (c == null) {
                continue;
            }
            String at = "consumers." + e.getKey();
            for (int j = 0; j < c.apiKeys().size(); j++) {
                String other = keys.putIfAbsent(c.apiKeys().get(j), e.getKey());
                if (other != null) {
                    errors.add(new ConfigError(at + ".api-keys[" + j + "]",
                            "this key hash is already a key of consumer '" + other + "'"));
                }
            }
            for (int j = 0; j < c.jwtSubjects().size(); j++) {
                String other = subjects.putIfAbsent(c.jwtSubjects().get(j), e.getKey());
                if (other != null) {
                    errors.add(new ConfigError(at + ".jwt-subjects[" + j + "]",
                            "'" + c.jwtSubjects().get(j) + "' is already a subject of consumer '" + other + "'"));
                }
            }
        }
    }

    private static String authProblem(String entry, AuthConfig auth) {
        if (entry.equals("api-key")) {
            return auth.apiKey() == null ? "'api-key' is not configured (expected: an auth.api-key section)" : null;
        }
        if (entry.startsWith("jwt:")) {
            String id = entry.substring(4);
            return auth.jwt(id) == null ? notDefined(id, "jwt provider",
                    auth.jwt().stream().map(p -> p.id()).toList()) : null;
        }
        if (entry.startsWith("introspection:")) {
            String id = entry.substring(14);
            return auth.introspection(id) == null ? notDefined(id, "introspection provider",
                    auth.introspection().stream().map(p -> p.id()).toList()) : null;
        }
        return "'" + entry + "' (expected: api-key, jwt:<id> or introspection:<id>)";
    }

    private static String notDefined(String name, String what, java.util.Collection<String> defined) {
        return "'" + name + "' is not a defined " + what
                + (defined.isEmpty() ? " (none are defined)" : " (expected one of: " + String.join(", ", defined) + ")");
    }
}
