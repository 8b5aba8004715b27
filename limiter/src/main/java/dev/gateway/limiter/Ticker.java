package dev.gateway.limiter;

/**
 * Time as rate limiting needs it: wall-clock milliseconds since the epoch (window alignment) and
 * a monotonic nanosecond counter. Injected so that tests move time by hand.
 */
public interface Ticker {
    long epochMillis();

    long nanoTime();

    /**
     * The clock every limiter computes with: {@link #epochMillis()} in nanoseconds. Wall-clock time,
     * because windows align to the epoch and because the members of a cluster must agree on "now" (a
     * JVM's {@code nanoTime} means nothing to another); millisecond resolution is plenty for HTTP rates.
     */
    default long epochNanos() {
        return Math.multiplyExact(epochMillis(), 1_000_000L);
    }

    static Ticker system() {
        return new Ticker() {
            @Override
            public long epochMillis() {
                return System.currentTimeMillis();
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }
        };
    }
}
