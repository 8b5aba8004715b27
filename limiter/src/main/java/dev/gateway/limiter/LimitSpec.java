package dev.gateway.limiter;

import java.time.Duration;
import java.util.Objects;

/**
 * One rate-limit policy's arithmetic, independent of who is limited:
 * <ul>
 *   <li>{@code TOKEN_BUCKET}: {@code capacity} tokens (the burst), refilled smoothly at
 *       {@code limit} per {@code period};</li>
 *   <li>{@code LEAKY_BUCKET}: a meter, not a queue: the same smooth refill at {@code limit}
 *       per {@code period} with a small {@code capacity} (default 1), so requests are admitted
 *       at an even pace and the excess is refused at once;</li>
 *   <li>{@code FIXED_WINDOW}: {@code limit} per window of {@code period}, windows aligned to the
 *       epoch (a 1m window starts at each whole minute UTC), reset whole at each boundary;</li>
 *   <li>{@code SLIDING_WINDOW}: {@code limit} over any trailing {@code period}, estimated from the
 *       current and previous fixed windows (the previous one weighted by how much of it the
 *       trailing window still covers); see {@link SlidingWindow} for the error bound.</li>
 * </ul>
 *
 * @param capacity   the most tokens a bucket holds; equals {@code limit} for the window algorithms
 * @param generation orders specs over time: the shared config's version the spec was compiled from
 *                   ({@code 0} when unknown); see {@link #version()}
 * @param keys       the policy's key space: where its buckets live and how many may be held at once; null for
 *                   one space shared by every spec without one, unbounded (tests, warm-up calls). Not part of
 *                   {@link #version()}: a new bound changes no bucket's arithmetic.
 */
public record LimitSpec(Algorithm algorithm, long limit, Duration period, long capacity, long generation,
                        KeySpace keys) {

    /** Generations must fit in the 39 high bits of {@link #version()}. */
    public static final long MAX_GENERATION = (1L << 39) - 1;

    public enum Algorithm { TOKEN_BUCKET, LEAKY_BUCKET, FIXED_WINDOW, SLIDING_WINDOW }

    public LimitSpec {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(period, "period");
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period: " + period + " (expected: > 0)");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        if ((algorithm == Algorithm.FIXED_WINDOW || algorithm == Algorithm.SLIDING_WINDOW) && capacity != limit) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: = limit " + limit
                    + " for " + algorithm + ")");
        }
        if (generation < 0 || generation > MAX_GENERATION) {
            throw new IllegalArgumentException("generation: " + generation + " (expected: 0.." + MAX_GENERATION + ")");
        }
    }

    /** A spec of generation 0 (no known config version), in no key space. */
    public LimitSpec(Algorithm algorithm, long limit, Duration period, long capacity) {
        this(algorithm, limit, period, capacity, 0);
    }

    /** A spec in no key space (unbounded, shared with every other spec without one). */
    public LimitSpec(Algorithm algorithm, long limit, Duration period, long capacity, long generation) {
        this(algorithm, limit, period, capacity, generation, null);
    }

    /** The spec of a config policy: {@code burst} null means the algorithm's default capacity. */
    public static LimitSpec of(Algorithm algorithm, long limit, Duration period, Long burst) {
        long capacity = switch (algorithm) {
            case TOKEN_BUCKET -> burst == null ? limit : burst;
            case LEAKY_BUCKET -> burst == null ? 1 : burst;
            case FIXED_WINDOW, SLIDING_WINDOW -> limit;
        };
        return new LimitSpec(algorithm, limit, period, capacity);
    }

    /** The same arithmetic, stamped with the config version it was compiled from. */
    public LimitSpec withGeneration(long generation) {
        return new LimitSpec(algorithm, limit, period, capacity, generation, keys);
    }

    /** The same arithmetic, its buckets in {@code keys} (null: the shared unbounded space). */
    public LimitSpec withKeys(KeySpace keys) {
        return new LimitSpec(algorithm, limit, period, capacity, generation, keys);
    }

    /**
     * Orders specs so that every node agrees which one a bucket should run under: a bucket built under
     * version {@code v} adopts a spec of a <em>greater</em> version (keeping what was consumed) and ignores a
     * spec of a smaller one, running on under its own. That is what bucket4j's implicit configuration
     * replacement does, and it stops a node still on an older config during a rollout from flipping a
     * bucket back and forth (every flip up would hand out tokens).
     *
     * <p>The {@link #generation()} fills the high bits, so a spec compiled from a newer config version
     * always wins; a 24-bit hash of the arithmetic fills the low bits, so different arithmetic under one
     * generation still gets different versions (which of the two wins is then arbitrary but the same on
     * every node). Wire the shared config's version in as the generation: with generation 0 everywhere, a
     * change wins only if its hash happens to be greater, and otherwise applies once the bucket expires.
     */
    public long version() {
        return (generation << 24) | (arithmeticHash() & 0xFF_FFFFL);
    }

    private long arithmeticHash() {
        long h = 1125899906842597L;
        h = 31 * h + algorithm.ordinal();
        h = 31 * h + limit;
        h = 31 * h + period.toNanos();
        h = 31 * h + capacity;
        // fold the high bits in, so the low 24 bits depend on every field
        return h ^ (h >>> 24) ^ (h >>> 48);
    }
}
