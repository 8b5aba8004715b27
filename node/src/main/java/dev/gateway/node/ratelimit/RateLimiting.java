package dev.gateway.node.ratelimit;

import dev.gateway.config.RateLimitPolicy;
import dev.gateway.config.SharedConfig;
import dev.gateway.limiter.KeySpace;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.node.observability.metrics.GatewayMetrics;
import dev.gateway.node.pipeline.Interceptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * What rate limiting needs for every config version: the shared buckets (the cluster's, or this
 * node's when it runs alone), the node-local buckets for the {@code local} fallback, the
 * metrics, and the number of gateway nodes that divides a limit in that fallback (asked when the fallback is used:
 * in client mode it follows the connected client nodes).
 *
 * <p>Per policy it exports what its key space holds ({@code max-keys}):
 * {@code gateway_rate_limit_keys{policy, store}} (gauge), {@code gateway_rate_limit_keys_evicted_total{policy, store}}
 * and, for the cluster's store, {@code gateway_rate_limit_keys_bytes{policy}}. {@code store} is {@code cluster} (the
 * entries this member owns: sum the nodes for the cluster's total) or {@code local} (this node's fallback store, or
 * its only store when it runs alone).
 */
public record RateLimiting(RateLimiter shared, RateLimiter local, GatewayMetrics metrics, IntSupplier gatewayNodes,
                           Function<String, List<String>> replicasOf) {

    /** A fixed node count, without a cluster view: traces name no owning member. */
    public RateLimiting(RateLimiter shared, RateLimiter local, GatewayMetrics metrics, int gatewayNodes) {
        this(shared, local, metrics, () -> gatewayNodes, key -> List.of());
    }

    /** Every policy of {@code config}, compiled, by name, stamped with config version {@code generation}. */
    public Map<String, CompiledPolicy> compile(SharedConfig config, long generation) {
        Map<String, CompiledPolicy> policies = new LinkedHashMap<>();
        for (Map.Entry<String, RateLimitPolicy> e : config.rateLimits().entrySet()) {
            CompiledPolicy policy = new CompiledPolicy(e.getKey(), e.getValue(), gatewayNodes,
                    metrics.rateLimitPolicy(e.getKey()), generation);
            policies.put(e.getKey(), policy);
            exportKeys(e.getKey(), policy.spec().keys());
        }
        return policies;
    }

    /** The key-space metrics of one policy; the first read also sets the cluster's maps of the space up. */
    private void exportKeys(String policy, KeySpace space) {
        if (shared != local) {
            shared.keyStats(space);
            metrics.registerGauge(KEYS, KEYS_HELP, () -> shared.keyStats(space).keys(), "policy", policy, "store", "cluster");
            metrics.registerCounter(EVICTED, EVICTED_HELP, () -> shared.keyStats(space).evicted(),
                    "policy", policy, "store", "cluster");
            metrics.registerGauge(BYTES, BYTES_HELP, () -> shared.keyStats(space).bytes(), "policy", policy);
        }
        metrics.registerGauge(KEYS, KEYS_HELP, () -> local.keyStats(space).keys(), "policy", policy, "store", "local");
        metrics.registerCounter(EVICTED, EVICTED_HELP, () -> local.keyStats(space).evicted(),
                "policy", policy, "store", "local");
    }

    private static final String KEYS = "gateway_rate_limit_keys";
    private static final String KEYS_HELP = "Buckets a rate-limit policy holds: cluster = the entries this member owns"
            + " (backups not counted; sum the nodes), local = this node's own store (fallback, or a node alone).";
    private static final String EVICTED = "gateway_rate_limit_keys_evicted";
    private static final String EVICTED_HELP = "Buckets evicted because a rate-limit policy held max-keys of them (an"
            + " evicted key starts again full), by this member as owner (cluster) or from this node's own store (local).";
    private static final String BYTES = "gateway_rate_limit_keys_bytes";
    private static final String BYTES_HELP = "Heap cost of the rate-limit buckets this member owns, by policy"
            + " (Hazelcast's owned entry memory cost; backups not counted).";

    /** The link for a route's {@code rate-limits}, or null when it has none. */
    public Interceptor linkFor(List<String> names, Map<String, CompiledPolicy> policies) {
        if (names.isEmpty()) {
            return null;
        }
        CompiledPolicy[] chosen = names.stream().map(policies::get).toArray(CompiledPolicy[]::new);
        return new RateLimitInterceptor(chosen, shared, local, replicasOf);
    }
}
