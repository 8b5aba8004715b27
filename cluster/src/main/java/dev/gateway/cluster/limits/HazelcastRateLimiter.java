package dev.gateway.cluster.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.logging.ILogger;
import com.hazelcast.logging.Logger;
import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;
import dev.gateway.cluster.member.MemberClock;
import dev.gateway.limiter.Bucket4jSpecs;
import dev.gateway.limiter.Decision;
import dev.gateway.limiter.KeySpace;
import dev.gateway.limiter.KeyStats;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.limiter.RateLimiterUnavailableException;
import dev.gateway.limiter.SlidingWindow;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.AsyncVerboseBucket;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.RemoteAsyncBucketBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.IntConsumer;
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
 * processor over {@link RateLimitMaps#WINDOWS_MAP}. Either way the clock is the owner's {@link MemberClock}, read
 * inside the entry processor (no clock reading travels with a call): every decision on a key is made on one
 * time line however far the clock of the member that took the request is off, and, the member clock being
 * Hazelcast's cluster time, on the same time line after the key's partition migrates. What comes back is
 * durations ({@link Decision}'s reset and retry-after), never instants a skewed caller could misread. A peek
 * runs on the owner too (a read-only processor for a sliding window; bucket4j for a bucket, which creates a full
 * bucket for an unknown key; it expires after {@link #KEEP_AFTER_FULL}).
 *
 * <p>Coalescing ({@link Coalescer}): while a check of a key is on its way to the owner, later checks of the same
 * key on this node wait and then travel together as one entry-processor call carrying their count. For a bucket
 * that call is one bucket4j consumption of as many of the n tokens as the bucket holds, answered with the bucket
 * after it, from which each check gets the answer it would have got alone ({@link Bucket4jSpecs#decisions});
 * for a sliding window this package's processor takes the n checks in turn. Either way a batch admits exactly what
 * the same checks one by one would, in arrival order; its backup is synchronous like any other call. A hot
 * key (a global or per-route quota) then costs one round trip per batch instead of one per request. The fronts
 * that do this are kept per key for at most the request timeout (then rebuilt), and for at most
 * {@link #MAX_COALESCING_KEYS} keys at once (a key without one gets a fresh proxy: correct, just not coalesced),
 * so checks piled up behind a stuck call are bounded by what arrives within one timeout. The time of a batch is
 * the owner's when it runs.
 * {@link #coalescedChecks()} counts the checks that rode along in another's call, and
 * {@link #tryConsume(String, LimitSpec, IntConsumer)} tells a check the size of the call that carried it (for its
 * trace span).
 *
 * <p>Timeouts and failures: every check and peek is answered within the request timeout of its arrival
 * (default {@link #DEFAULT_REQUEST_TIMEOUT}; never Hazelcast's 60 s invocation timeout), time spent waiting for
 * its key's earlier call included, give or take one {@link Deadlines} tick. A check or peek that gets no answer in time, or whose call fails for any
 * reason (member shutting down, no owner during migration, cluster unreachable), completes with
 * {@link RateLimiterUnavailableException}, cause attached. A call carries its deadline ({@link CallDeadline}):
 * one that reaches the owner after it (a retry once a dead owner is dropped, seconds later) takes nothing; only
 * a call that ran in the last network latency before its deadline may take its tokens after its caller gave up.
 *
 * <p>Threads: never blocks. Answers complete on the common {@code ForkJoinPool}, in one hand-off from the
 * Hazelcast thread that receives them ({@link OneHop}); whoever continues a returned stage runs there and must
 * not block. Timeouts fire there too, from a {@link Deadlines} tick (so up to {@link Deadlines#DEFAULT_TICK}
 * late).
 *
 * <p>Key spaces: a spec with a {@link LimitSpec#keys() key space} (a policy with its {@code max-keys}) keeps its
 * buckets in that space's own maps, bounded by eviction ({@link RateLimitMaps#addSpace}). Their config is added to
 * the cluster on a space's first use (or its first {@link #keyStats}), on a thread of this limiter's own, since it
 * is a blocking call to every member; checks of the space wait for it within their request timeout, and if it
 * fails they fail as unavailable and the next check tries again. Specs without a space use the two shared maps.
 *
 * <p>Requires {@link RateLimitMaps#register} in the member config. Thread-safe.
 */
public final class HazelcastRateLimiter implements RateLimiter {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMillis(250);

    private static final ILogger log = Logger.getLogger(HazelcastRateLimiter.class); // Hazelcast's: no slf4j here

    /** How long an entry outlives the moment its bucket is full again (against clock granularity). */
    public static final Duration KEEP_AFTER_FULL = Duration.ofSeconds(1);

    /** Keys with a coalescing proxy at once; beyond that the least recently built ones are dropped. */
    public static final int MAX_COALESCING_KEYS = 65_536;

    /** Specs come from the config; this only bounds the cache if a caller builds specs per request. */
    private static final int MAX_CACHED_SPECS = 1_024;

    private final Duration requestTimeout;
    private final long requestTimeoutNanos;
    private final HazelcastInstance hazelcast;
    private final ClientSideConfig clientSide;
    private final CompletableFuture<Maps> sharedMaps;
    private final Map<KeySpace, CompletableFuture<Maps>> spaces = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor registrar;
    private final Map<LimitSpec, Binding> bindings = new ConcurrentHashMap<>();
    private final Cache<FrontKey, Coalescer> coalescing;
    private final LongAdder coalesced = new LongAdder();
    private final Deadlines deadlines = Deadlines.system();

    /** A bucket4j builder carrying a spec's version, and the spec's bucket4j configuration. */
    private record Binding(RemoteAsyncBucketBuilder<String> builder, BucketConfiguration configuration) {
    }

    /** The maps of a key space (or the shared ones): bucket4j's view of the bucket map, and the window map. */
    private record Maps(AsyncProxyManager<String> buckets, IMap<String, byte[]> bucketMap, IMap<String, long[]> windows) {
    }

    /** The key of a coalescing front: one per bucket key and spec (a new spec version gets a new one). */
    private record FrontKey(String key, LimitSpec spec) {
    }

    public HazelcastRateLimiter(HazelcastInstance hazelcast) {
        this(hazelcast, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * @param hazelcast      a member whose config went through {@link RateLimitMaps#register}; the key owners'
     *                       {@link MemberClock}s are the clock of every decision
     * @param requestTimeout the longest a call may take before it fails with
     *                       {@link RateLimiterUnavailableException}
     */
    public HazelcastRateLimiter(HazelcastInstance hazelcast, Duration requestTimeout) {
        Objects.requireNonNull(hazelcast, "hazelcast");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
        }
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.hazelcast = hazelcast;
        this.clientSide = ClientSideConfig.getDefault() // no client clock: the owner stamps the time
                .withRequestTimeout(requestTimeout)
                .withExpirationAfterWriteStrategy(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL));
        this.sharedMaps = CompletableFuture.completedFuture(maps(RateLimitMaps.BUCKETS_MAP, RateLimitMaps.WINDOWS_MAP));
        this.registrar = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "gateway-rate-limit-spaces");
            t.setDaemon(true);
            return t;
        });
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
        return tryConsume(key, spec, null);
    }

    /** Tells {@code batch} the size of the call to the owner that carried the check: above 1, it was coalesced. */
    @Override
    public CompletionStage<Decision> tryConsume(String key, LimitSpec spec, IntConsumer batch) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        try {
            CompletableFuture<Maps> maps = maps(spec.keys());
            if (!isReady(maps)) { // a space's first checks: wait for its maps, within the request timeout
                return bounded(key, () -> maps.thenCompose(ready -> tryConsume(key, spec, batch)), Function.identity());
            }
            return coalescing.get(new FrontKey(key, spec), this::front).check(batch); // bounded by the front
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable(key, e));
        }
    }

    /**
     * The buckets of {@code space} this member owns (backups not counted), its evictions as owner since it started,
     * and their memory cost; {@link KeyStats#NONE} until the space's maps are set up (which this starts).
     */
    @Override
    public KeyStats keyStats(KeySpace space) {
        CompletableFuture<Maps> maps = maps(Objects.requireNonNull(space, "space"));
        if (!isReady(maps) || !(hazelcast.getLocalEndpoint() instanceof com.hazelcast.cluster.Member)) {
            return KeyStats.NONE; // a client-mode node holds no bucket: the members do
        }
        LocalMapStats buckets = maps.join().bucketMap().getLocalMapStats();
        LocalMapStats windows = maps.join().windows().getLocalMapStats();
        return new KeyStats(buckets.getOwnedEntryCount() + windows.getOwnedEntryCount(),
                buckets.getEvictionCount() + windows.getEvictionCount(),
                buckets.getOwnedEntryMemoryCost() + windows.getOwnedEntryMemoryCost());
    }

    private static boolean isReady(CompletableFuture<Maps> maps) {
        return maps.isDone() && !maps.isCompletedExceptionally();
    }

    /** The maps of a key space (null: the shared ones), set up on first use; a failed set-up is tried again. */
    private CompletableFuture<Maps> maps(KeySpace space) {
        if (space == null) {
            return sharedMaps;
        }
        CompletableFuture<Maps> maps = spaces.get(space);
        if (maps != null && !maps.isCompletedExceptionally()) {
            return maps;
        }
        CompletableFuture<Maps> fresh = new CompletableFuture<>();
        maps = spaces.compute(space, (s, old) -> old == null || old.isCompletedExceptionally() ? fresh : old);
        if (maps == fresh) {
            try {
                registrar.execute(() -> {
                    try {
                        RateLimitMaps.addSpace(hazelcast, space);
                        fresh.complete(maps(RateLimitMaps.bucketsMap(space), RateLimitMaps.windowsMap(space)));
                    } catch (RuntimeException | Error e) {
                        log.warning("rate-limit policy " + space.name() + ": could not set up its maps (max-keys "
                                + space.maxKeys() + "): " + e);
                        fresh.completeExceptionally(e);
                    }
                });
            } catch (RuntimeException e) {
                fresh.completeExceptionally(e);
            }
        }
        return maps;
    }

    private Maps maps(String bucketMapName, String windowMapName) {
        IMap<String, byte[]> bucketMap = hazelcast.getMap(bucketMapName);
        return new Maps(new OneHopProxyManager<>(bucketMap, clientSide, ForkJoinPool.commonPool(), hazelcast,
                requestTimeoutNanos).asAsync(), bucketMap,
                hazelcast.getMap(windowMapName));
    }

    @Override
    public CompletionStage<Decision> peek(String key, LimitSpec spec) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        CompletableFuture<Maps> maps = maps(spec.keys());
        if (!isReady(maps)) {
            return bounded(key, () -> maps.thenCompose(ready -> peek(key, spec)), Function.identity());
        }
        IMap<String, long[]> windows = maps.join().windows();
        if (Bucket4jSpecs.isBucket(spec)) {
            return bounded(key, () -> bucket(key, spec).asVerbose().estimateAbilityToConsume(1),
                    result -> Bucket4jSpecs.estimate(spec, result.getValue(),
                            result.getDiagnostics().calculateFullRefillingTime(), result.getOperationTimeNanos()));
        }
        return bounded(key, () -> OneHop.complete(windows.submitToKey(key, new SlidingWindowPeek(spec)),
                ForkJoinPool.commonPool(), Function.identity()), SlidingWindow::decode);
    }

    /** A key's bucket4j proxy under a spec's version. */
    private AsyncBucketProxy bucket(String key, LimitSpec spec) {
        Binding binding = binding(spec);
        return binding.builder().build(key, binding.configuration());
    }

    /**
     * A key's coalescing front (see the class comment). A bucket's call for n checks is one consumption of as many
     * of n tokens as the bucket holds, answered with the bucket after it ({@link Bucket4jSpecs#decisions}); a
     * single check is a plain consumption of one. A sliding window's call carries the count to this package's
     * processor, which takes the checks in turn.
     */
    private Coalescer front(FrontKey target) {
        String key = target.key();
        LimitSpec spec = target.spec();
        IMap<String, long[]> windows = maps(spec.keys()).join().windows(); // ready: see tryConsume
        if (Bucket4jSpecs.isBucket(spec)) {
            AsyncBucketProxy proxy = bucket(key, spec);
            AsyncVerboseBucket verbose = proxy.asVerbose();
            return new Coalescer(count -> {
                if (count == 1 && spec.algorithm() == LimitSpec.Algorithm.FIXED_WINDOW) {
                    // its reset is the owner's window end: the owner's time comes back with the answer
                    return verbose.tryConsumeAndReturnRemaining(1).thenApply(result -> new Decision[] {
                        Bucket4jSpecs.decision(spec, result.getValue(), result.getOperationTimeNanos())});
                }
                if (count == 1) {
                    // every field of the decision is a duration the owner computed: no time needed here
                    return proxy.tryConsumeAndReturnRemaining(1)
                            .thenApply(probe -> new Decision[] {Bucket4jSpecs.decision(spec, probe, 0)});
                }
                return verbose.tryConsumeAsMuchAsPossible(count)
                        .thenApply(result -> Bucket4jSpecs.decisions(spec, count, result));
            }, requestTimeoutNanos, deadlines, failure -> unavailable(key, failure), coalesced::add);
        }
        return new Coalescer(count -> OneHop.call( // never throws: see OneHop#call
                () -> windows.submitToKey(key, new SlidingWindowProcessor(spec, count,
                        CallDeadline.from(hazelcast, requestTimeoutNanos))),
                ForkJoinPool.commonPool(),
                decisions -> {
                    if (decisions == null) {
                        throw CallDeadline.expired();
                    }
                    return IntStream.range(0, count).mapToObj(i -> SlidingWindow.decode(decisions, i))
                            .toArray(Decision[]::new);
                }),
                requestTimeoutNanos, deadlines, failure -> unavailable(key, failure), coalesced::add);
    }

    private Binding binding(LimitSpec spec) {
        Binding binding = bindings.get(spec);
        if (binding == null) {
            if (bindings.size() >= MAX_CACHED_SPECS) {
                bindings.clear();
            }
            binding = bindings.computeIfAbsent(spec, s -> new Binding(
                    maps(s.keys()).join().buckets().builder()
                            .withImplicitConfigurationReplacement(s.version(), Bucket4jSpecs.INHERITANCE),
                    Bucket4jSpecs.configuration(s)));
        }
        return binding;
    }

    /**
     * Runs {@code call}, maps its result with {@code answer}, and bounds the whole by the request timeout;
     * every failure, synchronous or not, becomes {@link RateLimiterUnavailableException}. For peeks; checks
     * are bounded by their key's {@link Coalescer}, one timer per call.
     */
    private <T> CompletionStage<Decision> bounded(String key, Supplier<CompletionStage<T>> call,
                                                  Function<T, Decision> answer) {
        CompletableFuture<Decision> attempt = OneHop.call(call, ForkJoinPool.commonPool(), answer); // never throws
        CompletableFuture<Decision> result = new CompletableFuture<>();
        deadlines.bound(attempt, requestTimeoutNanos).whenComplete((decision, failure) -> {
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
