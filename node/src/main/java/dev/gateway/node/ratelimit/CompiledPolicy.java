package dev.gateway.node.ratelimit;

import dev.gateway.config.RateLimitPolicy;
import dev.gateway.limiter.KeySpace;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.node.observability.metrics.PolicyMetrics;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rate-limit policy compiled for a config version: its spec, its node-local fallback
 * spec, how it fails, and its metrics. The fallback's share of the limit rounds down: each of
 * the gateway nodes enforcing {@code limit / nodes} on its own never admits more
 * than {@code limit} together; a share of 0 refuses everything ({@link #localSpec()} null), since
 * rounding up to 1 would let a cluster of more nodes than {@code limit} admit more than the limit.
 * Both specs carry the policy's key space ({@code max-keys}): at most that many buckets cluster-wide, and at
 * most that many in this node's fallback store.
 *
 * <p>The node count is asked when the fallback is used ({@code cluster.expected-size} for embedded nodes, the
 * connected client nodes in client mode), and the local spec rebuilt when it changed; a count read while the cluster
 * does not answer is the one it last reported, so the share is steady for the length of an outage.
 */
public final class CompiledPolicy {
    private static final Logger log = LoggerFactory.getLogger(CompiledPolicy.class);

    final String name;
    final LimitSpec spec;
    final RateLimitPolicy.FailureMode onFailure;
    final BucketKeys keys;
    final PolicyMetrics metrics;
    private final RateLimitPolicy policy;
    private final LimitSpec.Algorithm algorithm;
    private final KeySpace keySpace;
    private final long generation;
    private final IntSupplier nodes;
    private volatile LocalShare share;
    private final AtomicBoolean degraded = new AtomicBoolean();

    /** The fallback spec for one node count (spec null: a share of 0, refuse). */
    private record LocalShare(int nodes, LimitSpec spec) {
    }

    public CompiledPolicy(String name, RateLimitPolicy policy, int expectedClusterSize, PolicyMetrics metrics) {
        this(name, policy, expectedClusterSize, metrics, 0);
    }

    /**
     * @param generation the shared config version compiled from: a bucket created under an older version adopts
     *                   this policy's new limits, keeping what was consumed (0: unknown)
     */
    public CompiledPolicy(String name, RateLimitPolicy policy, int expectedClusterSize, PolicyMetrics metrics,
                          long generation) {
        this(name, policy, () -> expectedClusterSize, metrics, generation);
    }

    /** @param gatewayNodes how many nodes share the limit in the {@code local} fallback; asked when it is used */
    public CompiledPolicy(String name, RateLimitPolicy policy, IntSupplier gatewayNodes, PolicyMetrics metrics,
                          long generation) {
        this.name = name;
        this.policy = policy;
        this.algorithm = LimitSpec.Algorithm.valueOf(policy.algorithm().name());
        this.keySpace = new KeySpace(name, policy.maxKeys());
        this.generation = generation;
        this.nodes = gatewayNodes;
        this.spec = LimitSpec.of(algorithm, policy.limit(), policy.per(), policy.burst()).withGeneration(generation)
                .withKeys(keySpace);
        this.onFailure = policy.onClusterFailure();
        this.keys = new BucketKeys(name, policy.key());
        this.metrics = metrics;
    }

    /** The {@code local} fallback's spec for the current node count, or null when this node's share is 0: refuse. */
    LimitSpec localSpec() {
        int count = Math.max(1, nodes.getAsInt());
        LocalShare current = share;
        if (current == null || current.nodes() != count) {
            current = new LocalShare(count, localSpec(count));
            share = current;
        }
        return current.spec();
    }

    private LimitSpec localSpec(int count) {
        long localLimit = policy.limit() / count;
        Long localBurst = policy.burst() == null ? null : Math.max(1, policy.burst() / count);
        return localLimit == 0 ? null
                : LimitSpec.of(algorithm, localLimit, policy.per(), localBurst).withGeneration(generation)
                        .withKeys(keySpace);
    }

    public String name() {
        return name;
    }

    public LimitSpec spec() {
        return spec;
    }

    /** Logs and counts the switch to the fallback once, not per request. */
    void degraded(Throwable cause) {
        metrics.fallback().inc();
        if (degraded.compareAndSet(false, true)) {
            log.warn("rate-limit policy {}: cluster store unavailable ({}), applying on-cluster-failure: {}",
                    name, cause.getMessage(), onFailure);
        }
    }

    void recovered() {
        if (degraded.get() && degraded.compareAndSet(true, false)) {
            log.info("rate-limit policy {}: cluster store answers again", name);
        }
    }
}
