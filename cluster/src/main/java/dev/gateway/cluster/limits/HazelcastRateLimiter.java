package dev.gateway.cluster.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.distributed.proxy.optimization.OptimizationListener;
import io.github.bucket4j.distributed.proxy.optimization.batch.BatchingOptimization;
import io.github.bucket4j.util.concurrent.batch.AsyncBatchHelper;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

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
 * <p>Coalescing: while a check of a key is on its way to the owner, later checks of the same key on this node
 * wait and then travel together, as one entry-processor call carrying one command per check (bucket4j's batching;
 * for sliding windows the same batching over this package's processor, which takes the checks in turn). Each still gets its own answer, computed in arrival order on the owner, so a batch
 * admits exactly what the same checks one by one would; its backup is synchronous like any other call. A hot
 * key (a global or per-route quota) then costs one round trip per batch instead of one per request. The fronts
 * that do this are kept per key for at most the request timeout (then rebuilt), and for at most
 * {@link #MAX_COALESCING_KEYS} keys at once (a key without one gets a fresh proxy: correct, just not coalesced),
 * so checks piled up behind a stuck call are bounded by what arrives within one timeout. The time of a batch is
 * the time it is sent.
 * {@link #coalescedChecks()} counts the checks that rode along in another's call.
 *
 * <p>Timeouts and failures: every call is bounded by the request timeout (default
 * {@link #DEFAULT_REQUEST_TIMEOUT}; never Hazelcast's 60 s invocation timeout). A call that does not answer
 * in time, or fails for any reason (member shutting down, no owner during migration, cluster unreachable),
 * completes with {@link RateLimiterUnavailableException}, cause attached. A call that timed out may still take
 * its token on the owner later.
 *
 * <p>Threads: never blocks. Answers complete on the common {@code ForkJoinPool}, in one hand-off from the
 * Hazelcast thread that receives them ({@link OneHop}); whoever continues a returned stage runs there and must
 * not block. Timeouts fire on the JDK's shared delay thread.
 *
 * <p>Requires {@link RateLimitMaps#register} in the member config. Thread-safe.
 */
public final class HazelcastRateLimiter implements RateLimiter {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMillis(250);

    /** How long an entry outlives the moment its bucket is full again (against clock granularity). */
    public static final Duration KEEP_AFTER_FULL = Duration.ofSeconds(1);

    /** Keys with a coalescing proxy at once; beyond that the least recently built ones are dropped. */
    public static final int MAX_COALESCING_KEYS = 65_536;

    /** Specs come from the config; this only bounds the cache if a caller builds specs per request. */
    private static final int MAX_CACHED_SPECS = 1_024;

    private final Ticker ticker;
    private final Duration requestTimeout;
    private final long requestTimeoutNanos;
    private final AsyncProxyManager<String> buckets;
    private final IMap<String, long[]> windows;
    private final Map<LimitSpec, Binding> bindings = new ConcurrentHashMap<>();
    private final Cache<Coalesced, KeyFront> coalescing;
    private final LongAdder coalesced = new LongAdder();
    private final Optimization batching = new BatchingOptimization(new OptimizationListener() {
        @Override
        public void incrementMergeCount(int count) {
            coalesced.add(count);
        }

        @Override
        public void incrementSkipCount(int count) {
        }
    });

    /**
     * A bucket4j builder carrying a spec's version, the same with batching, and the spec's bucket4j
     * configuration.
     */
    private record Binding(RemoteAsyncBucketBuilder<String> builder, RemoteAsyncBucketBuilder<String> batching,
                           BucketConfiguration configuration) {
    }

    /** The key of a coalescing front: one per bucket key and spec (a new spec version gets a new one). */
    private record Coalesced(String key, LimitSpec spec) {
    }

    /** Where one key's checks go: they wait for the key's call in flight and then travel together. */
    @FunctionalInterface
    private interface KeyFront {
        CompletionStage<Decision> check();
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
        this.buckets = new OneHopProxyManager<>(bucketMap, clientSide, ForkJoinPool.commonPool()).asAsync();
        this.windows = hazelcast.getMap(RateLimitMaps.WINDOWS_MAP);
        this.coalescing = Caffeine.newBuilder()
                .maximumSize(MAX_COALESCING_KEYS)
                .expireAfterWrite(requestTimeout)
                .executor(Runnable::run) // upkeep on the calling thread: no pool wake-up per check
                .build();
    }

    /** Checks that travelled in another check's call to the owner (coalesced), since this limiter was built. */
    public long coalescedChecks() {
        return coalesced.sum();
    }

    @Override
    public CompletionStage<Decision> tryConsume(String key, LimitSpec spec) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        return bounded(key, () -> coalescing.get(new Coalesced(key, spec), this::front).check(),
                Function.identity());
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
        return bounded(key, () -> OneHop.complete(windows.getAsync(key), ForkJoinPool.commonPool(), Function.identity()),
                state -> SlidingWindow.peek(state, spec, now));
    }

    /** A proxy that consumes nothing (peeks): built per call, nothing to coalesce. */
    private AsyncBucketProxy bucket(String key, LimitSpec spec) {
        Binding binding = binding(spec);
        return binding.builder().build(key, binding.configuration());
    }

    /**
     * A key's coalescing front (see the class comment): for a bucket, a bucket4j proxy with batching; for a
     * sliding window, the same batching over this package's processor, which takes a batch's checks in turn.
     */
    private KeyFront front(Coalesced target) {
        String key = target.key();
        LimitSpec spec = target.spec();
        if (Bucket4jSpecs.isBucket(spec)) {
            Binding binding = binding(spec);
            AsyncBucketProxy proxy = binding.batching().build(key, binding.configuration());
            return () -> {
                long now = ticker.epochNanos();
                return proxy.tryConsumeAndReturnRemaining(1).thenApply(probe -> Bucket4jSpecs.decision(spec, probe, now));
            };
        }
        AsyncBatchHelper<Boolean, Decision, Integer, long[]> batches = AsyncBatchHelper.create(
                checks -> {
                    coalesced.add(checks.size() - 1L);
                    return checks.size();
                },
                count -> OneHop.call( // never throws: see OneHop#call
                        () -> windows.submitToKey(key, new SlidingWindowProcessor(spec, ticker.epochNanos(), count)),
                        ForkJoinPool.commonPool(), Function.identity()),
                (count, decisions) -> IntStream.range(0, count).mapToObj(i -> SlidingWindow.decode(decisions, i)).toList());
        return () -> batches.executeAsync(Boolean.TRUE);
    }

    private Binding binding(LimitSpec spec) {
        Binding binding = bindings.get(spec);
        if (binding == null) {
            if (bindings.size() >= MAX_CACHED_SPECS) {
                bindings.clear();
            }
            binding = bindings.computeIfAbsent(spec, s -> new Binding(
                    buckets.builder().withImplicitConfigurationReplacement(s.version(), Bucket4jSpecs.INHERITANCE),
                    buckets.builder().withImplicitConfigurationReplacement(s.version(), Bucket4jSpecs.INHERITANCE)
                            .withOptimization(batching),
                    Bucket4jSpecs.configuration(s)));
        }
        return binding;
    }

    /**
     * Runs {@code call}, maps its result with {@code answer}, and bounds the whole by the request timeout;
     * every failure, synchronous or not, becomes {@link RateLimiterUnavailableException}.
     */
    private <T> CompletionStage<Decision> bounded(String key, Supplier<CompletionStage<T>> call,
                                                  Function<T, Decision> answer) {
        CompletableFuture<Decision> attempt;
        try {
            attempt = OneHop.complete(call.get(), Runnable::run, answer); // the stages here are plain futures
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
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
