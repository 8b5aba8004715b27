package dev.gateway.node.admin;

import dev.gateway.limiter.Decision;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.node.http.Json;
import dev.gateway.node.runtime.GatewayRuntime;
import dev.gateway.node.runtime.RuntimeHolder;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code GET /admin/limits/{policy}/{key}}: one bucket as the cluster sees it, without
 * consuming. {@code key} is the bucket's key part as the gateway builds it (for a per-IP
 * policy, the address; for a per-consumer one, {@code c:<consumer>}; composite parts joined
 * with {@code |}). {@code owner} names the node that holds the bucket (its partition's owner), when there is a
 * cluster and the partition has an owner; absent otherwise.
 */
public final class LimitsView {
    private final RuntimeHolder runtimes;
    private final RateLimiter shared;
    private final Function<String, Optional<String>> ownerOf;

    /** Without a cluster: no owner shown. */
    public LimitsView(RuntimeHolder runtimes, RateLimiter shared) {
        this(runtimes, shared, bucketKey -> Optional.empty());
    }

    /** @param ownerOf the node name holding a bucket key, when known */
    public LimitsView(RuntimeHolder runtimes, RateLimiter shared, Function<String, Optional<String>> ownerOf) {
        this.runtimes = runtimes;
        this.shared = shared;
        this.ownerOf = ownerOf;
    }

    /** 200 with the bucket, 404 for an unknown policy, 503 when the cluster does not answer. */
    public AdminReply render(String policy, String key) {
        GatewayRuntime runtime = runtimes.current();
        LimitSpec spec = runtime == null ? null : runtime.limitSpec(policy);
        if (spec == null) {
            return AdminReply.error(404, "no rate-limit policy '" + policy + "'");
        }
        try {
            String bucketKey = policy + '/' + key;
            CompletableFuture<Decision> peek = shared.peek(bucketKey, spec).toCompletableFuture();
            Decision d = peek.get(2, TimeUnit.SECONDS);
            return new AdminReply(200, "{\"policy\":" + Json.quote(policy) + ",\"key\":" + Json.quote(key)
                    + ",\"algorithm\":" + Json.quote(spec.algorithm().name().toLowerCase().replace('_', '-'))
                    + ",\"limit\":" + d.limit() + ",\"remaining\":" + d.remaining()
                    + ",\"reset_seconds\":" + (d.resetNanos() + 999_999_999L) / 1_000_000_000L
                    + ownerOf.apply(bucketKey).map(owner -> ",\"owner\":" + Json.quote(owner)).orElse("") + "}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AdminReply.error(503, "interrupted");
        } catch (Exception e) {
            return AdminReply.error(503, "the cluster did not answer: " + e.getClass().getSimpleName());
        }
    }
}
