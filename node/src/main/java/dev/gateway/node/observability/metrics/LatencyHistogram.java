package dev.gateway.node.observability.metrics;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Metric;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durations counted into fixed buckets since start: a Prometheus classic histogram. Unlike a
 * summary over the last requests, the counts cover every recorded duration, so the share under a
 * bound (or a quantile, by interpolation) can be computed for any interval between two scrapes and
 * summed across nodes.
 *
 * <p>Recording is a short scan over the bounds and two {@link LongAdder} increments: no lock, no
 * allocation. A scrape that races with recording may see a duration in its bucket but not yet in
 * the sum (or the reverse); counts never go down. Thread-safe.
 */
public final class LatencyHistogram implements Metric, Counting {
    /**
     * Upper bounds (inclusive, nanoseconds) for checks against a cluster: fine below a millisecond,
     * where a check answers when the cluster is healthy, then coarse up to a second.
     */
    static final long[] CHECK_BOUNDS_NANOS = micros(
            25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750,
            1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000);

    private final long[] bounds;
    private final LongAdder[] counts; // one per bound, then the overflow (+Inf)
    private final LongAdder sumNanos = new LongAdder();

    /** {@code boundsNanos}: strictly increasing, positive; the +Inf bucket is implied. */
    LatencyHistogram(long[] boundsNanos) {
        if (boundsNanos.length == 0) {
            throw new IllegalArgumentException("no bucket bounds");
        }
        for (int i = 0; i < boundsNanos.length; i++) {
            if (boundsNanos[i] <= 0 || (i > 0 && boundsNanos[i] <= boundsNanos[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must be positive and increasing: "
                        + Arrays.toString(boundsNanos));
            }
        }
        this.bounds = boundsNanos.clone();
        this.counts = new LongAdder[bounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Records one duration; a negative one counts as 0. */
    void update(long nanos) {
        long value = Math.max(0, nanos);
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        counts[i].increment();
        sumNanos.add(value);
    }

    /** The upper bounds in nanoseconds, without the implied +Inf. */
    long[] boundsNanos() {
        return bounds.clone();
    }

    /** Durations per bucket (not cumulative): one per bound, then those above the last bound. */
    long[] bucketCounts() {
        long[] snapshot = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            snapshot[i] = counts[i].sum();
        }
        return snapshot;
    }

    long sumNanos() {
        return sumNanos.sum();
    }

    @Override
    public long getCount() {
        long total = 0;
        for (LongAdder count : counts) {
            total += count.sum();
        }
        return total;
    }

    private static long[] micros(long... values) {
        return Arrays.stream(values).map(us -> us * 1_000).toArray();
    }
}
