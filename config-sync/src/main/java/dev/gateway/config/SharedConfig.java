package dev.gateway.config;

import dev.gateway.config.internal.Check;
import dev.gateway.config.internal.References;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The shared config: versioned and distributed by the cluster, the same on every node. Maps keep file order.
 * The constructor checks every cross reference (route upstreams, aggregate upstreams, rate-limit policies, auth
 * providers, unique route ids, unique consumer API keys and JWT subjects) and names the offending paths.
 */
public record SharedConfig(Map<String, UpstreamConfig> upstreams, Map<String, ConsumerConfig> consumers,
                           AuthConfig auth, Map<String, RateLimitPolicy> rateLimits, List<RouteConfig> routes,
                           ObservabilityConfig observability) {
    public SharedConfig {
        upstreams = Check.map(upstreams, "upstreams");
        consumers = Check.map(consumers, "consumers");
        auth = auth == null ? AuthConfig.empty() : auth;
        rateLimits = Check.map(rateLimits, "rateLimits");
        routes = Check.list(routes, "routes");
        observability = observability == null ? ObservabilityConfig.defaults() : observability;
        List<ConfigError> errors = References.check(upstreams.keySet(), consumers, auth, rateLimits.keySet(), routes);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.stream().map(ConfigError::toString)
                    .collect(Collectors.joining("; ")));
        }
    }

    /** No upstreams, consumers, auth, limits or routes; default observability. */
    public static SharedConfig empty() {
        return new SharedConfig(Map.of(), Map.of(), AuthConfig.empty(), Map.of(), List.of(),
                ObservabilityConfig.defaults());
    }

    /** The route with this id, or null. */
    public RouteConfig route(String id) {
        return routes.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
    }
}
