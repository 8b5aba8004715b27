package dev.gateway.node.admin;

import dev.gateway.limiter.Decision;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.node.http.Json;
import dev.gateway.node.runtime.GatewayRuntime;
import dev.gateway.node.runtime.RuntimeHolder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code GET /admin/limits/{policy}/{key}}: one bucket as the cluster sees it, without
 * consuming. {@code key} is the bucket's key part as the gateway builds it (for a per-IP
 * policy, the address; for a per-consumer one, {@code c:<consumer>}; composite parts joined
 * with {@code |}). {@code owner} names the node that holds the bucket (its partition's owner) and {@code backups}
 * the nodes holding its copies, when there is a cluster and the partition has an owner; both absent otherwise.
 */
public final class LimitsView {
    private final RuntimeHolder runtimes;
    private final RateLimiter shared;
    private final Function<String, List<String>> replicasOf;

    /** Without a cluster: no owner shown. */
    public LimitsView(RuntimeHolder runtimes, RateLimiter shared) {
        this(runtimes, shared, bucketKey -> List.of());
    }

    /** @param replicasOf the node names holding a bucket key, owner first, then its backups (empty when unknown) */
    public LimitsView(RuntimeHolder runtimes, RateLimiter shared, Function<String, List<String>> replicasOf) {
        this.runtimes = runtimes;
        this.shared = shared;
        this.replicasOf = replicasOf;
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
                    + replicas(bucketKey) + "}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AdminReply.error(503, "interrupted");
        } catch (Exception e) {
            return AdminReply.error(503, "the cluster did not answer: " + e.getClass().getSimpleName());
        }
    }

    /** {@code ,"owner":...,"backups":[...]}, or nothing when the holders are unknown. */
    private String replicas(String bucketKey) {
        List<String> replicas = replicasOf.apply(bucketKey);
        if (replicas.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(",\"owner\":").append(Json.quote(replicas.get(0))).append(",\"backups\":[");
        for (int i = 1; i < replicas.size(); i++) {
            out.append(i > 1 ? "," : "").append(Json.quote(replicas.get(i)));
        }
        return out.append(']').toString();
    }
}
