package dev.gateway.node.ratelimit;

import dev.gateway.config.RateLimitPolicy;
import dev.gateway.limiter.KeySpace;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.node.observability.metrics.PolicyMetrics;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rate-limit policy compiled for a config version: its spec, its node-local fallback
 * spec, how it fails, and its metrics. The fallback's share of the limit rounds down: each of
 * {@code expected-size} nodes enforcing {@code limit / expected-size} on its own never admits more
 * than {@code limit} together; a share of 0 refuses everything ({@link #localSpec} null), since
 * rounding up to 1 would let a cluster of more nodes than {@code limit} admit more than the limit.
 * Both specs carry the policy's key space ({@code max-keys}): at most that many buckets cluster-wide, and at
 * most that many in this node's fallback store.
 */
public final class CompiledPolicy {
    private static final Logger log = LoggerFactory.getLogger(CompiledPolicy.class);

    final String name;
    final LimitSpec spec;
    /** The {@code local} fallback's spec, or null when this node's share of the limit is 0: refuse. */
    final LimitSpec localSpec;
    final RateLimitPolicy.FailureMode onFailure;
    final BucketKeys keys;
    final PolicyMetrics metrics;
    private final AtomicBoolean degraded = new AtomicBoolean();

    public CompiledPolicy(String name, RateLimitPolicy policy, int expectedClusterSize, PolicyMetrics metrics) {
        this(name, policy, expectedClusterSize, metrics, 0);
    }

    /**
     * @param generation the shared config version compiled from: a bucket created under an older version adopts
     *                   this policy's new limits, keeping what was consumed (0: unknown)
     */
    public CompiledPolicy(String name, RateLimitPolicy policy, int expectedClusterSize, PolicyMetrics metrics,
                          long generation) {
        this.name = name;
        LimitSpec.Algorithm algorithm = LimitSpec.Algorithm.valueOf(policy.algorithm().name());
        KeySpace keySpace = new KeySpace(name, policy.maxKeys());
        this.spec = LimitSpec.of(algorithm, policy.limit(), policy.per(), policy.burst()).withGeneration(generation)
                .withKeys(keySpace);
        int share = Math.max(1, expectedClusterSize);
        long localLimit = policy.limit() / share;
        Long localBurst = policy.burst() == null ? null : Math.max(1, policy.burst() / share);
        this.localSpec = localLimit == 0 ? null
                : LimitSpec.of(algorithm, localLimit, policy.per(), localBurst).withGeneration(generation)
                        .withKeys(keySpace);
        this.onFailure = policy.onClusterFailure();
        this.keys = new BucketKeys(name, policy.key());
        this.metrics = metrics;
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
