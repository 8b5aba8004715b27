package dev.gateway.limiter.breaker;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The outcomes of recent calls, over a trailing window cut into buckets: thread-safe, lock-free and
 * allocation-free on {@link #record}.
 *
 * <h2>Buckets</h2>
 * The window is cut into {@code buckets} buckets of {@code ceil(window / buckets)} milliseconds each (at least
 * 1 ms; the bucket count shrinks for a window shorter than that many milliseconds, so a 5 ms window has five
 * 1 ms buckets). Buckets align to the epoch, so every node cuts time the same way. {@link #evidence} sums the
 * current bucket and the {@code bucketCount - 1} before it: outcomes from the last {@code (bucketCount - 1)
 * * bucketMillis} milliseconds always count, and an outcome stops counting once its bucket is
 * {@code bucketCount} buckets old, i.e. between {@code (bucketCount - 1) * bucketMillis} and
 * {@code bucketCount * bucketMillis} after it was recorded.
 *
 * <h2>Concurrency</h2>
 * Each bucket is two longs: the bucket's index in time (its stamp) and its counts packed into one long (calls in
 * the high 32 bits, failures in the low 32: up to 4 billion calls per bucket), so a bucket's two counts always
 * change together and a reader never sees more failures than calls. Recording is one atomic add; a bucket is recycled for a new index under a lock,
 * once per bucket period. A recording that races a bucket's recycling may land in the bucket's new period
 * instead of its expiring one: at the edge of the window, an outcome can count for one period too long. A time
 * behind a slot's stamp (a clock set back) counts in the slot's newer bucket.
 */
public final class OutcomeWindow {

    /** The default number of buckets. */
    public static final int DEFAULT_BUCKETS = 10;

    private static final long EMPTY = Long.MIN_VALUE;
    private static final long CALL = 1L << 32;
    private static final long FAILED_CALL = CALL + 1;
    private static final long FAILURES = 0xFFFF_FFFFL;

    private final long bucketMillis;
    private final int bucketCount;
    private final AtomicLongArray stamps;
    private final AtomicLongArray counts;
    private final Object recycling = new Object();
    /** Failures recorded since the last success (the trailing run), whatever their bucket. */
    private final AtomicLong run = new AtomicLong();

    /** A window of {@value #DEFAULT_BUCKETS} buckets. */
    public OutcomeWindow(Duration window) {
        this(window, DEFAULT_BUCKETS);
    }

    public OutcomeWindow(Duration window, int buckets) {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window: " + window + " (expected: > 0)");
        }
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets: " + buckets + " (expected: > 0)");
        }
        long windowMillis = BreakerPolicy.ceilMillis(window);
        this.bucketMillis = Math.max(1, (windowMillis + buckets - 1) / buckets);
        this.bucketCount = (int) ((windowMillis + bucketMillis - 1) / bucketMillis);
        this.stamps = new AtomicLongArray(bucketCount);
        this.counts = new AtomicLongArray(bucketCount);
        for (int i = 0; i < bucketCount; i++) {
            stamps.set(i, EMPTY);
        }
    }

    /** Counts one completed call at {@code epochMillis}; {@code failure} includes a slow call. */
    public void record(boolean failure, long epochMillis) {
        long index = Math.floorDiv(epochMillis, bucketMillis);
        int slot = (int) Math.floorMod(index, (long) bucketCount);
        if (stamps.get(slot) < index) {
            recycle(slot, index);
        }
        counts.getAndAdd(slot, failure ? FAILED_CALL : CALL);
        if (failure) {
            run.incrementAndGet();
        } else if (run.get() != 0) {
            run.set(0);
        }
    }

    /** The calls and failures of the buckets still inside the window at {@code epochMillis}. */
    public Evidence evidence(long epochMillis) {
        long oldest = Math.floorDiv(epochMillis, bucketMillis) - bucketCount + 1;
        long calls = 0;
        long failures = 0;
        for (int i = 0; i < bucketCount; i++) {
            long stamp = stamps.get(i);
            if (stamp != EMPTY && stamp >= oldest) {
                long packed = counts.get(i);
                calls += packed >>> 32;
                failures += packed & FAILURES;
            }
        }
        // the run counts only as far as the window's failures: older ones have left the window
        return new Evidence(calls, failures, Math.min(run.get(), failures));
    }

    /** Forgets every outcome. Outcomes recorded concurrently with the reset may be forgotten too. */
    public void reset() {
        synchronized (recycling) {
            for (int i = 0; i < bucketCount; i++) {
                stamps.set(i, EMPTY);
                counts.set(i, 0);
            }
            run.set(0);
        }
    }

    /** The length of one bucket. */
    public long bucketMillis() {
        return bucketMillis;
    }

    /** How many buckets the window spans. */
    public int bucketCount() {
        return bucketCount;
    }

    private void recycle(int slot, long index) {
        synchronized (recycling) {
            if (stamps.get(slot) < index) {
                counts.set(slot, 0);
                stamps.set(slot, index);
            }
        }
    }
}
