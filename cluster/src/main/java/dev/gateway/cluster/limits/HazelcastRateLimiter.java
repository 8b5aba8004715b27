package dev.gateway.cluster.limits;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.gateway.limiter.Bucket4jSpecs;
import dev.gateway.limiter.Decision;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.limiter.RateLimiterUnavailableException;
import dev.gateway.limiter.SlidingWindow;
import dev.gateway.limiter.Ticker;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.RemoteAsyncBucketBuilder;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The cluster's {@link RateLimiter}: one bucket per key for the whole cluster, held by the key's owner member
 * with one synchronous backup, so a member's death loses no quota state.
 *
 * <p>Token bucket, leaky bucket and fixed window go through bucket4j's Hazelcast backend (entry processors in
 * {@link RateLimitMaps#BUCKETS_MAP}): the arithmetic is shipped to the owner, which only loads and stores bytes.
 * The bucket is (re)configured implicitly by {@link LimitSpec#version()}: a greater version replaces the stored
 * configuration keeping what was consumed ({@link Bucket4jSpecs#INHERITANCE}); a smaller one runs under the
 * stored configuration. Sliding windows are {@link SlidingWindow}'s pure functions in this package's own entry
 * processor over {@link RateLimitMaps#WINDOWS_MAP}. Either way the caller's {@link Ticker} is the clock
 * (bucket4j's client-side clock), so every member computes with the time of the node that took the request.
 * A peek of a sliding window is a plain read; a peek of a bucket goes through bucket4j (which creates a full
 * bucket for an unknown key; it expires after {@link #KEEP_AFTER_FULL}).
 *
 * <p>Timeouts and failures: every call is bounded by the request timeout (default
 * {@link #DEFAULT_REQUEST_TIMEOUT}; never Hazelcast's 60 s invocation timeout). A call that does not answer
 * in time, or fails for any reason (member shutting down, no owner during migration, cluster unreachable),
 * completes with {@link RateLimiterUnavailableException}, cause attached. A call that timed out may still take
 * its token on the owner later.
 *
 * <p>Threads: never blocks. Completions run on the thread that completes the Hazelcast future: Hazelcast's
 * default async executor, which is the common {@code ForkJoinPool} only when its parallelism is above 1 and
 * otherwise a <em>new thread per callback</em> (the 20x slowdown measured on 2 cores). A node must therefore
 * run with {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=8} (or set that property before
 * anything touches {@code ForkJoinPool} or Hazelcast). The callbacks here only build a {@link Decision}.
 * Timeouts fire on the JDK's shared delay thread.
 *
 * <p>Requires {@link RateLimitMaps#register} in the member config. Thread-safe.
 */
public final class HazelcastRateLimiter implements RateLimiter {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMillis(250);

    /** How long an entry outlives the moment its bucket is full again (against clock granularity). */
    public static final Duration KEEP_AFTER_FULL = Duration.ofSeconds(1);

    /** Specs come from the config; this only bounds the cache if a caller builds specs per request. */
    private static final int MAX_CACHED_SPECS = 1_024;

    private final Ticker ticker;
    private final Duration requestTimeout;
    private final long requestTimeoutNanos;
    private final AsyncProxyManager<String> buckets;
    private final IMap<String, long[]> windows;
    private final Map<LimitSpec, Binding> bindings = new ConcurrentHashMap<>();

    /** A bucket4j builder carrying a spec's version, and the spec's bucket4j configuration. */
    private record Binding(RemoteAsyncBucketBuilder<String> builder, BucketConfiguration configuration) {
    }

    public HazelcastRateLimiter(HazelcastInstance hazelcast, Ticker ticker) {
        this(hazelcast, ticker, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * @param hazelcast      a member (or client) whose config went through {@link RateLimitMaps#register}
     * @param ticker         the clock of every decision
     * @param requestTimeout the longest a call may take before it fails with
     *                       {@link RateLimiterUnavailableException}
     */
    public HazelcastRateLimiter(HazelcastInstance hazelcast, Ticker ticker, Duration requestTimeout) {
        Objects.requireNonNull(hazelcast, "hazelcast");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
        }
        this.requestTimeoutNanos = requestTimeout.toNanos();
        ClientSideConfig clientSide = ClientSideConfig.getDefault()
                .withClientClock(Bucket4jSpecs.timeMeter(ticker))
                .withRequestTimeout(requestTimeout)
                .withExpirationAfterWriteStrategy(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL));
        IMap<String, byte[]> bucketMap = hazelcast.getMap(RateLimitMaps.BUCKETS_MAP);
        this.buckets = new HazelcastProxyManager<>(bucketMap, clientSide).asAsync();
        this.windows = hazelcast.getMap(RateLimitMaps.WINDOWS_MAP);
    }

    @Override
    public CompletionStage<Decision> tryConsume(String key, LimitSpec spec) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        long now = ticker.epochNanos();
        if (Bucket4jSpecs.isBucket(spec)) {
            return bounded(key, () -> bucket(key, spec).tryConsumeAndReturnRemaining(1),
                    probe -> Bucket4jSpecs.decision(spec, probe, now));
        }
        return bounded(key, () -> windows.submitToKey(key, new SlidingWindowProcessor(spec, now)),
                SlidingWindow::decode);
    }

    @Override
    public CompletionStage<Decision> peek(String key, LimitSpec spec) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        long now = ticker.epochNanos();
        if (Bucket4jSpecs.isBucket(spec)) {
            return bounded(key, () -> bucket(key, spec).asVerbose().estimateAbilityToConsume(1),
                    result -> Bucket4jSpecs.estimate(spec, result.getValue(),
                            result.getDiagnostics().calculateFullRefillingTime(), now));
        }
        return bounded(key, () -> windows.getAsync(key), state -> SlidingWindow.peek(state, spec, now));
    }

    private AsyncBucketProxy bucket(String key, LimitSpec spec) {
        Binding binding = bindings.get(spec);
        if (binding == null) {
            if (bindings.size() >= MAX_CACHED_SPECS) {
                bindings.clear();
            }
            binding = bindings.computeIfAbsent(spec, s -> new Binding(
                    buckets.builder().withImplicitConfigurationReplacement(s.version(), Bucket4jSpecs.INHERITANCE),
                    Bucket4jSpecs.configuration(s)));
        }
        return binding.builder().build(key, binding.configuration());
    }

    /**
     * Runs {@code call}, maps its result with {@code answer}, and bounds the whole by the request timeout;
     * every failure, synchronous or not, becomes {@link RateLimiterUnavailableException}.
     */
    private <T> CompletionStage<Decision> bounded(String key, Supplier<CompletionStage<T>> call,
                                                  Function<T, Decision> answer) {
        CompletableFuture<Decision> attempt = new CompletableFuture<>();
        try {
            call.get().whenComplete((value, failure) -> {
                if (failure != null) {
                    attempt.completeExceptionally(failure);
                    return;
                }
                try {
                    attempt.complete(answer.apply(value));
                } catch (RuntimeException e) {
                    attempt.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            attempt.completeExceptionally(e);
        }
        CompletableFuture<Decision> result = new CompletableFuture<>();
        attempt.orTimeout(requestTimeoutNanos, TimeUnit.NANOSECONDS).whenComplete((decision, failure) -> {
            if (failure == null) {
                result.complete(decision);
            } else {
                result.completeExceptionally(unavailable(key, failure));
            }
        });
        return result;
    }

    private RateLimiterUnavailableException unavailable(String key, Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RateLimiterUnavailableException unavailable) {
            return unavailable;
        }
        String message = cause instanceof TimeoutException
                ? "rate-limit store did not answer within " + requestTimeout.toMillis() + " ms (key '" + key + "')"
                : "rate-limit store failed (key '" + key + "'): " + cause;
        return new RateLimiterUnavailableException(message, cause);
    }
}
