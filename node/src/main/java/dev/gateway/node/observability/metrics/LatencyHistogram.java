package dev.gateway.node.observability.metrics;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Metric;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durations counted into fixed buckets since start: a Prometheus classic histogram. Unlike a
 * summary over the last requests, the counts cover every recorded duration, so the share under a
 * bound (or a quantile, by interpolation) can be computed for any interval between two scrapes and
 * summed across nodes.
 *
 * <p>Each bucket keeps the latest {@link Exemplar} recorded into it: the trace of one sampled
 * request that took that long, so a dashboard can link a bucket to a trace (OpenMetrics exemplars).
 *
 * <p>Recording is a short scan over the bounds and two {@link LongAdder} increments: no lock, no
 * allocation; a duration with an exemplar adds one small object and one ordered write of its
 * bucket's slot (the latest writer wins). A scrape that races with recording may see a duration in
 * its bucket but not yet in the sum (or the reverse); counts never go down. Thread-safe.
 */
public final class LatencyHistogram implements Metric, Counting {
    /**
     * Upper bounds (inclusive, nanoseconds) for checks against a cluster: fine below a millisecond,
     * where a check answers when the cluster is healthy, then coarse up to a second.
     */
    static final long[] CHECK_BOUNDS_NANOS = micros(
            25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750,
            1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000);

    /**
     * Upper bounds (inclusive, nanoseconds) for a request through the gateway, arrival to the end of
     * the response: from half a millisecond (the gateway's own overhead) to a minute (a slow upstream
     * under a long route timeout).
     */
    static final long[] REQUEST_BOUNDS_NANOS = micros(
            500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
            1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000, 60_000_000);

    /**
     * The trace of one sampled request recorded into a bucket: its duration, its trace and (server) span
     * ids as 32 and 16 lowercase hex digits, and when it finished (epoch milliseconds).
     */
    record Exemplar(long nanos, String traceId, String spanId, long epochMillis) {
    }

    private final long[] bounds;
    private final LongAdder[] counts; // one per bound, then the overflow (+Inf)
    private final LongAdder sumNanos = new LongAdder();
    private final AtomicReferenceArray<Exemplar> exemplars; // the latest per bucket, null until one

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
        this.exemplars = new AtomicReferenceArray<>(counts.length);
    }

    /** Records one duration; a negative one counts as 0. */
    void update(long nanos) {
        bucket(nanos);
    }

    /**
     * Records one duration of a sampled request, which becomes its bucket's exemplar (replacing the previous
     * one); with a null {@code traceId} this is {@link #update(long)}.
     */
    void update(long nanos, String traceId, String spanId, long epochMillis) {
        int i = bucket(nanos);
        if (traceId != null) {
            exemplars.lazySet(i, new Exemplar(Math.max(0, nanos), traceId, spanId, epochMillis));
        }
    }

    private int bucket(long nanos) {
        long value = Math.max(0, nanos);
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        counts[i].increment();
        sumNanos.add(value);
        return i;
    }

    /** The latest exemplar of each bucket (null where none was recorded), in the order of {@link #bucketCounts()}. */
    Exemplar[] exemplars() {
        Exemplar[] snapshot = new Exemplar[counts.length];
        for (int i = 0; i < snapshot.length; i++) {
            snapshot[i] = exemplars.get(i);
        }
        return snapshot;
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
