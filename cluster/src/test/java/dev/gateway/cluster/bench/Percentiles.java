package dev.gateway.cluster.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Exact order statistics of a set of latencies (nearest rank, no interpolation), in microseconds, and the share at
 * or under the check's 300 µs target.
 */
record Percentiles(int count, double p50, double p90, double p99, double p999, double max, double shareUnder300) {
    static final long TARGET_NANOS = 300_000;

    static Percentiles of(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no latencies");
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        long under = Arrays.stream(sorted).filter(n -> n <= TARGET_NANOS).count();
        return new Percentiles(sorted.length, micros(rank(sorted, 0.50)), micros(rank(sorted, 0.90)),
                micros(rank(sorted, 0.99)), micros(rank(sorted, 0.999)), micros(sorted[sorted.length - 1]),
                100.0 * under / sorted.length);
    }

    /** The smallest value with at least {@code q} of all values at or under it. */
    static long rank(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double micros(long nanos) {
        return nanos / 1_000.0;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "n=%d p50=%.0fus p90=%.0fus p99=%.0fus p99.9=%.0fus max=%.0fus <=300us=%.1f%%",
                count, p50, p90, p99, p999, max, shareUnder300);
    }
}
