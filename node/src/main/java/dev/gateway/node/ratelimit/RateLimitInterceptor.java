package dev.gateway.node.ratelimit;

import dev.gateway.limiter.Decision;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.limiter.RateLimiterUnavailableException;
import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.pipeline.Interceptor;
import dev.gateway.node.observability.tracing.TraceSpan;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The route's {@code rate-limits}; all must admit. With several policies, each is first asked
 * without consuming, so that a request one of them refuses costs the others nothing; then each
 * consumes (a race between the two steps can still cost an earlier policy a token, never admit
 * beyond a limit).
 * Every response of a limited route, allowed or not, carries {@code RateLimit-Limit},
 * {@code RateLimit-Remaining} and {@code RateLimit-Reset} (and the {@code X-RateLimit-*}
 * twins) of the tightest policy; a refusal is 429 with {@code Retry-After} from the real bucket.
 *
 * <p>When the shared store cannot answer in time, each policy's {@code on-cluster-failure}
 * decides: {@code fail-open} admits, {@code fail-closed} refuses (429), {@code local} enforces
 * {@code limit / gateway nodes} on this node alone ({@link CompiledPolicy#localSpec()}).
 */
public final class RateLimitInterceptor implements Interceptor {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final CompiledPolicy[] policies;
    private final RateLimiter shared;
    private final RateLimiter local;
    private final Function<String, List<String>> replicasOf;
    private final String[] spanNames;
    private final String[] keyKinds;

    public RateLimitInterceptor(CompiledPolicy[] policies, RateLimiter shared, RateLimiter local) {
        this(policies, shared, local, key -> List.of());
    }

    /** @param replicasOf the members holding a bucket key, owner first (empty when unknown): traces name the owner */
    public RateLimitInterceptor(CompiledPolicy[] policies, RateLimiter shared, RateLimiter local,
                                Function<String, List<String>> replicasOf) {
        this.policies = policies.clone();
        this.shared = shared;
        this.local = local;
        this.replicasOf = replicasOf;
        this.spanNames = new String[policies.length];
        this.keyKinds = new String[policies.length];
        for (int i = 0; i < policies.length; i++) {
            spanNames[i] = "rate limit " + policies[i].name;
            keyKinds[i] = policies[i].keys.kind();
        }
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        String[] keys = new String[policies.length];
        for (int i = 0; i < policies.length; i++) {
            keys[i] = policies[i].keys.of(chain.request(), chain.route());
        }
        if (policies.length == 1) {
            return check(chain, 0, null, keys);
        }
        return precheck(chain, 0, keys);
    }

    /** Peeks every policy in turn; the first that would refuse answers 429 before any token is taken. */
    private CompletionStage<GatewayResponse> precheck(Chain chain, int i, String[] keys) {
        if (i == policies.length) {
            return check(chain, 0, null, keys);
        }
        CompiledPolicy policy = policies[i];
        CompletionStage<Decision> peek;
        try {
            peek = shared.peek(keys[i], policy.spec);
        } catch (RateLimiterUnavailableException e) {
            peek = CompletableFuture.failedFuture(e);
        }
        return peek.handle((decision, failure) -> failure != null || decision.remaining() > 0 || decision.allowed())
                .thenCompose(mayPass -> {
                    if (mayPass) {
                        return precheck(chain, i + 1, keys);
                    }
                    // Consuming settles it with the real bucket state (and the right Retry-After).
                    return check(chain, 0, null, keys);
                });
    }

    private CompletionStage<GatewayResponse> check(Chain chain, int i, Decision tightest, String[] keys) {
        GatewayRequest request = chain.request();
        if (i == policies.length) {
            Decision reported = tightest;
            return chain.proceed(request).thenApply(response -> withHeaders(response, reported));
        }
        CompiledPolicy policy = policies[i];
        long start = System.nanoTime();
        TraceSpan span = request.exchange().trace().child(spanNames[i]);
        if (request.exchange().trace().recording()) {
            span.set("gateway.rate_limit.policy", policy.name).set("gateway.rate_limit.key_kind", keyKinds[i]);
            owner(span, keys[i]);
        }
        return decide(policy, keys[i], span, request.exchange().trace().recording()).thenCompose(decision -> {
            policy.metrics.decided(decision.allowed(), System.nanoTime() - start);
            span.set("gateway.rate_limit.outcome", decision.allowed() ? "allowed" : "limited").end();
            Decision tighter = tighter(tightest, decision);
            if (!decision.allowed()) {
                request.body().discard();
                throw refusal(decision, tighter);
            }
            return check(chain, i + 1, tighter, keys);
        });
    }

    /** The bucket's owning member, where the check runs; a lookup that fails leaves it out. */
    private void owner(TraceSpan span, String key) {
        try {
            List<String> replicas = replicasOf.apply(key);
            if (!replicas.isEmpty()) {
                span.set("gateway.rate_limit.owner", replicas.get(0));
            }
        } catch (RuntimeException e) {
            // the cluster is leaving or partitioned: the decision's fallback attribute tells the rest
        }
    }

    /**
     * The shared store's decision, or the policy's fallback. A recorded span learns whether the check was coalesced:
     * {@code gateway.rate_limit.batch} is the number of checks of its key in the call that carried it to the owner.
     */
    private CompletionStage<Decision> decide(CompiledPolicy policy, String key, TraceSpan span, boolean recording) {
        CompletionStage<Decision> remote;
        try {
            remote = recording
                    ? shared.tryConsume(key, policy.spec, checks -> span.set("gateway.rate_limit.coalesced", checks > 1)
                            .set("gateway.rate_limit.batch", checks))
                    : shared.tryConsume(key, policy.spec);
        } catch (RateLimiterUnavailableException e) {
            remote = CompletableFuture.failedFuture(e);
        }
        return remote.handle((decision, failure) -> {
            if (failure == null) {
                policy.recovered();
                return CompletableFuture.completedFuture(decision);
            }
            Throwable cause = ErrorResponses.unwrap(failure);
            if (!(cause instanceof RateLimiterUnavailableException)) {
                throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
            }
            policy.degraded(cause);
            span.set("gateway.rate_limit.fallback", // as the config spells it: fail-open, fail-closed, local
                    policy.onFailure.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            return switch (policy.onFailure) {
                case FAIL_OPEN -> CompletableFuture.completedFuture(
                        new Decision(true, policy.spec.limit(), policy.spec.limit(), 0, 0));
                case FAIL_CLOSED -> CompletableFuture.completedFuture(
                        new Decision(false, policy.spec.limit(), 0, NANOS_PER_SECOND, NANOS_PER_SECOND));
                case LOCAL -> {
                    LimitSpec share = policy.localSpec();
                    yield share == null
                            ? CompletableFuture.completedFuture(new Decision(false, 0, 0, NANOS_PER_SECOND, NANOS_PER_SECOND))
                            : local.tryConsume(key, share).toCompletableFuture();
                }
            };
        }).thenCompose(stage -> stage);
    }

    private static Decision tighter(Decision a, Decision b) {
        if (a == null) {
            return b;
        }
        return b.remaining() < a.remaining() ? b : a;
    }

    private static GatewayException refusal(Decision refused, Decision tightest) {
        Headers headers = new Headers(8);
        put(headers, tightest);
        headers.set("Retry-After", Long.toString(Math.max(1, ceilSeconds(refused.retryAfterNanos()))));
        return new GatewayException(429, "rate limit exceeded", headers, null);
    }

    private static GatewayResponse withHeaders(GatewayResponse response, Decision tightest) {
        Headers headers = response.headers().copy();
        put(headers, tightest);
        return response.withHeaders(headers);
    }

    private static void put(Headers headers, Decision d) {
        String limit = Long.toString(d.limit());
        String remaining = Long.toString(Math.max(0, d.remaining()));
        String reset = Long.toString(ceilSeconds(d.resetNanos()));
        headers.set("RateLimit-Limit", limit);
        headers.set("RateLimit-Remaining", remaining);
        headers.set("RateLimit-Reset", reset);
        headers.set("X-RateLimit-Limit", limit);
        headers.set("X-RateLimit-Remaining", remaining);
        headers.set("X-RateLimit-Reset", reset);
    }

    private static long ceilSeconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
    }

    @Override
    public String toString() {
        return "rate limits";
    }
}
