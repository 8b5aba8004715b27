package dev.gateway.node.ratelimit;

import dev.gateway.config.RateLimitPolicy;
import dev.gateway.config.SharedConfig;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.node.observability.metrics.GatewayMetrics;
import dev.gateway.node.pipeline.Interceptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What rate limiting needs for every config version: the shared buckets (the cluster's, or this
 * node's when it runs alone), the node-local buckets for the {@code local} fallback, the
 * metrics, and the expected cluster size that divides a limit in that fallback.
 */
public record RateLimiting(RateLimiter shared, RateLimiter local, GatewayMetrics metrics, int expectedClusterSize) {

    /** Every policy of {@code config}, compiled, by name, stamped with config version {@code generation}. */
    public Map<String, CompiledPolicy> compile(SharedConfig config, long generation) {
        Map<String, CompiledPolicy> policies = new LinkedHashMap<>();
        for (Map.Entry<String, RateLimitPolicy> e : config.rateLimits().entrySet()) {
            policies.put(e.getKey(), new CompiledPolicy(e.getKey(), e.getValue(), expectedClusterSize,
                    metrics.rateLimitPolicy(e.getKey()), generation));
        }
        return policies;
    }

    /** The link for a route's {@code rate-limits}, or null when it has none. */
    public Interceptor linkFor(List<String> names, Map<String, CompiledPolicy> policies) {
        if (names.isEmpty()) {
            return null;
        }
        CompiledPolicy[] chosen = names.stream().map(policies::get).toArray(CompiledPolicy[]::new);
        return new RateLimitInterceptor(chosen, shared, local);
    }
}
