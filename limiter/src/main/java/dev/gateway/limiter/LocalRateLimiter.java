package dev.gateway.limiter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-memory {@link RateLimiter}: the buckets of one JVM (a standalone node, or a policy's {@code local}
 * fallback). bucket4j local buckets run the token bucket, leaky bucket and fixed window; {@link SlidingWindow}
 * runs sliding windows. Answers are computed on the caller's thread and returned as completed stages.
 *
 * <p>Thread-safety: each bucket is guarded by its own monitor, held for the few hundred nanoseconds of one
 * decision; different keys never wait for each other (a bounded store shares only Caffeine's lock-free buffers).
 *
 * <p>Memory: a bucket records when it will be full again (a window: when both its windows have passed). Once
 * a {@link #sweep()} finds that time past, the bucket is dropped: a new one would be created full, so
 * forgetting changes no decision. The limiter sweeps itself on the calling thread at most once per
 * {@code sweepInterval} of ticker time; a host with very many keys may call {@link #sweep()} from a
 * background task instead. {@link #peek} never creates a bucket.
 *
 * <p>Key spaces: the buckets of a spec with a {@link LimitSpec#keys() key space} live in that space's own store,
 * which holds at most {@link KeySpace#maxKeys()} buckets (and as many sliding windows): past that Caffeine evicts
 * by its W-TinyLFU policy (a new key used once is the likeliest victim, a key in frequent use the least), counted
 * in {@link #keyStats}. An evicted key starts again full. A new {@code maxKeys} for a known space applies to its
 * store at once. Specs without a space share one unbounded store (tests, warm-up).
 */
public final class LocalRateLimiter implements RateLimiter {

    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(10);

    private final Ticker ticker;
    private final TimeMeter timeMeter;
    private final long sweepIntervalNanos;
    private final AtomicLong nextSweepNanos;
    private final Store unbounded = new Store(-1);
    private final Map<String, Store> spaces = new ConcurrentHashMap<>();

    public LocalRateLimiter(Ticker ticker) {
        this(ticker, DEFAULT_SWEEP_INTERVAL);
    }

    public LocalRateLimiter(Ticker ticker, Duration sweepInterval) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("sweepInterval: " + sweepInterval + " (expected: > 0)");
        }
        this.timeMeter = Bucket4jSpecs.timeMeter(ticker);
        this.sweepIntervalNanos = sweepInterval.toNanos();
        this.nextSweepNanos = new AtomicLong(ticker.epochNanos() + sweepIntervalNanos);
    }

    @Override
    public CompletionStage<Decision> tryConsume(String key, LimitSpec spec) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        long now = ticker.epochNanos();
        maybeSweep(now);
        Decision decision = Bucket4jSpecs.isBucket(spec) ? consumeBucket(key, spec, now) : consumeWindow(key, spec, now);
        return CompletableFuture.completedFuture(decision);
    }

    @Override
    public CompletionStage<Decision> peek(String key, LimitSpec spec) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        long now = ticker.epochNanos();
        Decision decision = Bucket4jSpecs.isBucket(spec) ? peekBucket(key, spec, now) : peekWindow(key, spec, now);
        return CompletableFuture.completedFuture(decision);
    }

    /** Drops every bucket that is full again (every window whose windows have passed). */
    public void sweep() {
        long now = ticker.epochNanos();
        unbounded.sweep(now);
        spaces.values().forEach(store -> store.sweep(now));
    }

    /** How many buckets and windows are held (for metrics and tests). */
    public int size() {
        long size = unbounded.size();
        for (Store store : spaces.values()) {
            size += store.size();
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    @Override
    public KeyStats keyStats(KeySpace space) {
        Store store = spaces.get(space.name());
        return store == null ? KeyStats.NONE : new KeyStats(store.size(), store.evicted.sum(), -1);
    }

    /** The store of a spec's key space, made on first use; a new bound applies to it at once. */
    private Store store(LimitSpec spec) {
        KeySpace space = spec.keys();
        if (space == null) {
            return unbounded;
        }
        Store store = spaces.get(space.name());
        if (store == null) {
            store = spaces.computeIfAbsent(space.name(), name -> new Store(space.maxKeys()));
        }
        if (store.maxKeys != space.maxKeys()) {
            store.resize(space.maxKeys());
        }
        return store;
    }

    private void maybeSweep(long now) {
        long next = nextSweepNanos.get();
        if (now >= next && nextSweepNanos.compareAndSet(next, now + sweepIntervalNanos)) {
            sweep();
        }
    }

    private Decision consumeBucket(String key, LimitSpec spec, long now) {
        Cache<String, BucketEntry> buckets = store(spec).buckets;
        while (true) {
            BucketEntry entry = buckets.get(key, k -> new BucketEntry(spec, timeMeter));
            synchronized (entry) {
                if (entry.removed) {
                    continue;
                }
                LimitSpec effective = entry.adopt(spec);
                ConsumptionProbe probe = entry.bucket.tryConsumeAndReturnRemaining(1);
                entry.expiresAtNanos = now + probe.getNanosToWaitForReset();
                return Bucket4jSpecs.decision(effective, probe, now);
            }
        }
    }

    private Decision peekBucket(String key, LimitSpec spec, long now) {
        BucketEntry entry = store(spec).buckets.getIfPresent(key);
        if (entry == null) {
            return Bucket4jSpecs.fresh(spec, now);
        }
        synchronized (entry) {
            if (entry.removed) {
                return Bucket4jSpecs.fresh(spec, now);
            }
            LimitSpec effective = entry.adopt(spec);
            VerboseResult<EstimationProbe> result = entry.bucket.asVerbose().estimateAbilityToConsume(1);
            long untilFull = result.getDiagnostics().calculateFullRefillingTime();
            entry.expiresAtNanos = now + untilFull;
            return Bucket4jSpecs.estimate(effective, result.getValue(), untilFull, now);
        }
    }

    private Decision consumeWindow(String key, LimitSpec spec, long now) {
        Cache<String, WindowEntry> windows = store(spec).windows;
        while (true) {
            WindowEntry entry = windows.get(key, k -> new WindowEntry());
            synchronized (entry) {
                if (entry.removed) {
                    continue;
                }
                SlidingWindow.Step step = SlidingWindow.tryConsume(entry.state, spec, now);
                if (step.state() != null) {
                    entry.state = step.state();
                }
                return step.decision();
            }
        }
    }

    private Decision peekWindow(String key, LimitSpec spec, long now) {
        WindowEntry entry = store(spec).windows.getIfPresent(key);
        if (entry == null) {
            return SlidingWindow.peek(null, spec, now);
        }
        synchronized (entry) {
            return SlidingWindow.peek(entry.removed ? null : entry.state, spec, now);
        }
    }

    /** A bucket4j bucket and the spec it runs under; guarded by its own monitor. */
    private static final class BucketEntry {
        final LocalBucket bucket;
        LimitSpec spec;
        long expiresAtNanos = Long.MAX_VALUE;
        boolean removed;

        BucketEntry(LimitSpec spec, TimeMeter timeMeter) {
            this.spec = spec;
            this.bucket = Bucket.builder()
                    .addLimit(Bucket4jSpecs.configuration(spec).getBandwidths()[0])
                    .withCustomTimePrecision(timeMeter)
                    .withSynchronizationStrategy(SynchronizationStrategy.NONE)
                    .build();
        }

        /** Takes {@code offered} if its version is greater; returns the spec the bucket now runs under. */
        LimitSpec adopt(LimitSpec offered) {
            if (offered.version() > spec.version()) {
                bucket.replaceConfiguration(Bucket4jSpecs.configuration(offered), Bucket4jSpecs.INHERITANCE);
                spec = offered;
            }
            return spec;
        }
    }

    /** A sliding window's state (null until the first admission); guarded by its own monitor. */
    private static final class WindowEntry {
        long[] state;
        boolean removed;
    }

    /**
     * One key space's buckets and windows, each at most {@code maxKeys} (-1: unbounded). Eviction does not take an
     * entry's monitor: a check that holds an entry being evicted finishes on it, which is the same as the eviction
     * coming a moment later. The sweep takes the monitor, then removes (entry before Caffeine's node lock, never the
     * other way round).
     */
    private static final class Store {
        final Cache<String, BucketEntry> buckets;
        final Cache<String, WindowEntry> windows;
        final LongAdder evicted = new LongAdder();
        volatile long maxKeys;

        Store(long maxKeys) {
            this.maxKeys = maxKeys;
            this.buckets = cache(maxKeys);
            this.windows = cache(maxKeys);
        }

        private <V> Cache<String, V> cache(long max) {
            Caffeine<Object, Object> builder = Caffeine.newBuilder().executor(Runnable::run); // no pool hand-off
            if (max < 0) {
                return builder.build();
            }
            return builder.maximumSize(max).<String, V>evictionListener((key, value, cause) -> {
                if (cause == RemovalCause.SIZE) {
                    evicted.increment();
                }
            }).build();
        }

        void resize(long max) {
            maxKeys = max;
            buckets.policy().eviction().ifPresent(eviction -> eviction.setMaximum(max));
            windows.policy().eviction().ifPresent(eviction -> eviction.setMaximum(max));
        }

        long size() {
            buckets.cleanUp();
            windows.cleanUp();
            return buckets.estimatedSize() + windows.estimatedSize();
        }

        void sweep(long now) {
            buckets.asMap().forEach((key, entry) -> {
                synchronized (entry) {
                    if (entry.expiresAtNanos <= now && !entry.removed) {
                        entry.removed = true;
                        buckets.asMap().remove(key, entry);
                    }
                }
            });
            windows.asMap().forEach((key, entry) -> {
                synchronized (entry) {
                    if (entry.state != null && SlidingWindow.expiresAtNanos(entry.state) <= now && !entry.removed) {
                        entry.removed = true;
                        windows.asMap().remove(key, entry);
                    }
                }
            });
        }
    }
}
