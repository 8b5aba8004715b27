package dev.gateway.node.resilience;

import java.util.function.DoubleSupplier;

/**
 * The wait before retry {@code n} (1-based): {@code initial * 2^(n-1)}, at most {@code max}; with full jitter a
 * uniform random value in {@code [0, that)}, so retries of many clients spread out instead of arriving together.
 */
public final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private final boolean jitter;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1) */
    public Backoff(long initialNanos, long maxNanos, boolean jitter, DoubleSupplier random) {
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
        this.jitter = jitter;
        this.random = random;
    }

    public static Backoff of(dev.gateway.config.Backoff config, DoubleSupplier random) {
        return new Backoff(config.initial().toNanos(), config.max().toNanos(),
                config.jitter() == dev.gateway.config.Backoff.Jitter.FULL, random);
    }

    public long delayNanos(int retry) {
        long base = initialNanos;
        for (int i = 1; i < retry && base < maxNanos; i++) {
            base = base > maxNanos / 2 ? maxNanos : base * 2;
        }
        base = Math.min(base, maxNanos);
        return jitter ? (long) (random.getAsDouble() * base) : base;
    }
}
