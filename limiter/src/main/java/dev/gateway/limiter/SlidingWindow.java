package dev.gateway.limiter;

import java.math.BigInteger;

/**
 * The sliding-window counter, as pure functions over a small state: the in-memory limiter keeps the
 * state in a map, the Hazelcast one ships these functions to the member that owns the key (the store
 * only loads and stores the {@code long[]}).
 *
 * <h2>Arithmetic</h2>
 * Time is cut into windows of {@code period} aligned to the epoch; the state counts the requests admitted
 * in the current window ({@code current}) and in the one before ({@code previous}). At a time {@code e}
 * (a fraction in [0, 1)) into the current window, the trailing period covers the last {@code 1 - e} of the
 * previous window, so the estimate of the trailing count is
 * <pre>  estimate = current + ceil(previous * (1 - e))</pre>
 * and a request is admitted while {@code estimate + 1 <= limit}. Integer arithmetic throughout (nanoseconds,
 * 128-bit products where needed), so every node computes the same answer.
 *
 * <h2>Error bound</h2>
 * The estimate assumes the previous window's requests were spread evenly over it; it is exact when they
 * were. Otherwise, with {@code L = limit} and {@code p} the requests admitted in the previous aligned window:
 * <ul>
 *   <li>at most {@code L} requests are admitted in any one aligned window (hard);</li>
 *   <li>over the trailing period ending {@code e} into the current window, at most
 *       {@code L + floor(p * e)} are admitted: over-admission of at most {@code p * e <= L * e}, which tends
 *       to {@code L} (twice the limit) only when the previous window's requests all came at its very end and
 *       the current window's at its very end too;</li>
 *   <li>conversely it refuses early (under-admission of at most {@code p * (1 - e)}) when the previous
 *       window's requests came early and have in fact already left the trailing period.</li>
 * </ul>
 * Proof of the second: the last admission at {@code s <= t} saw {@code current(s) + 1 + ceil(p(1 - e(s))) <= L}
 * and {@code e(s) <= e(t)}, so {@code current(t) <= L - p(1 - e(t))}; the trailing period adds at most the
 * {@code p} requests of the previous window.
 *
 * <h2>State</h2>
 * {@code long[6]}: {@link #VERSION}, {@link #LIMIT}, {@link #PERIOD} (the spec the window runs under),
 * {@link #WINDOW_START} (epoch nanoseconds), {@link #CURRENT}, {@link #PREVIOUS}. A state of a smaller spec
 * version adopts the caller's spec keeping its counts (a new period re-bases the estimate into the new
 * current window); a caller with a smaller version gets the stored spec (see {@link LimitSpec#version()}).
 * A clock behind the stored window start counts as that start. The functions never modify their argument.
 */
public final class SlidingWindow {

    public static final int VERSION = 0;
    public static final int LIMIT = 1;
    public static final int PERIOD = 2;
    public static final int WINDOW_START = 3;
    public static final int CURRENT = 4;
    public static final int PREVIOUS = 5;
    public static final int STATE_LENGTH = 6;

    /** Length of {@link #encode(Decision)}'s array. */
    public static final int DECISION_LENGTH = 5;

    private SlidingWindow() {
    }

    /**
     * One consumption attempt.
     *
     * @param state    the state to store, or null when the stored one stays valid (nothing admitted, no
     *                 spec adopted: rolling windows forward is recomputed from time on every call)
     * @param decision the answer
     */
    public record Step(long[] state, Decision decision) {
    }

    /** Tries to admit one request at {@code nowNanos} (epoch nanoseconds); {@code stored} null means none yet. */
    public static Step tryConsume(long[] stored, LimitSpec spec, long nowNanos) {
        return tryConsume(stored, spec.version(), spec.limit(), spec.period().toNanos(), nowNanos);
    }

    /** {@link #tryConsume(long[], LimitSpec, long)} with the spec's fields spelled out (for shipping). */
    public static Step tryConsume(long[] stored, long version, long limit, long periodNanos, long nowNanos) {
        long[] s = at(stored, version, limit, periodNanos, nowNanos);
        boolean adopted = stored == null || s[VERSION] != stored[VERSION];
        long t = Math.max(nowNanos, s[WINDOW_START]);
        long estimate = estimate(s, t);
        boolean allowed = estimate < s[LIMIT];
        if (allowed) {
            s[CURRENT]++;
            estimate++;
        }
        Decision decision = decision(s, t, estimate, allowed);
        return new Step(allowed || adopted ? s : null, decision);
    }

    /** What {@link #tryConsume} would answer, consuming nothing; {@code remaining} counts what is left now. */
    public static Decision peek(long[] stored, LimitSpec spec, long nowNanos) {
        return peek(stored, spec.version(), spec.limit(), spec.period().toNanos(), nowNanos);
    }

    /** {@link #peek(long[], LimitSpec, long)} with the spec's fields spelled out. */
    public static Decision peek(long[] stored, long version, long limit, long periodNanos, long nowNanos) {
        long[] s = at(stored, version, limit, periodNanos, nowNanos);
        long t = Math.max(nowNanos, s[WINDOW_START]);
        long estimate = estimate(s, t);
        return decision(s, t, estimate, estimate < s[LIMIT]);
    }

    /** When the state has stopped mattering (both its windows have passed): keep it at most until then. */
    public static long expiresAtNanos(long[] state) {
        return state[WINDOW_START] + 2 * state[PERIOD];
    }

    /**
     * The state as it stands at {@code nowNanos}: the newer of the stored and the given spec, windows rolled
     * forward to the one holding {@code nowNanos}. A new array.
     */
    public static long[] at(long[] stored, long version, long limit, long periodNanos, long nowNanos) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        if (periodNanos < 1) {
            throw new IllegalArgumentException("periodNanos: " + periodNanos + " (expected: > 0)");
        }
        if (stored == null) {
            return new long[] {version, limit, periodNanos, alignedStart(nowNanos, periodNanos), 0, 0};
        }
        if (stored.length != STATE_LENGTH) {
            throw new IllegalArgumentException("state: " + stored.length + " longs (expected: " + STATE_LENGTH + ")");
        }
        long[] s = roll(stored.clone(), nowNanos);
        if (version > s[VERSION]) {
            if (periodNanos == s[PERIOD]) {
                s[LIMIT] = limit;
            } else {
                long consumed = estimate(s, Math.max(nowNanos, s[WINDOW_START]));
                s = new long[] {version, limit, periodNanos, alignedStart(nowNanos, periodNanos), consumed, 0};
            }
            s[VERSION] = version;
        }
        return s;
    }

    /** {@code decision} as the longs an entry processor sends back. */
    public static long[] encode(Decision decision) {
        return new long[] {decision.allowed() ? 1 : 0, decision.limit(), decision.remaining(),
                decision.resetNanos(), decision.retryAfterNanos()};
    }

    /** The inverse of {@link #encode(Decision)}. */
    public static Decision decode(long[] encoded) {
        if (encoded == null || encoded.length != DECISION_LENGTH) {
            throw new IllegalArgumentException("decision: " + (encoded == null ? "null" : encoded.length + " longs")
                    + " (expected: " + DECISION_LENGTH + " longs)");
        }
        return decode(encoded, 0);
    }

    /** The {@code index}-th of several {@link #encode encoded} decisions laid end to end. */
    public static Decision decode(long[] encoded, int index) {
        int at = index * DECISION_LENGTH;
        if (encoded == null || index < 0 || at + DECISION_LENGTH > encoded.length) {
            throw new IllegalArgumentException("decision " + index + " of "
                    + (encoded == null ? "null" : encoded.length + " longs"));
        }
        return new Decision(encoded[at] == 1, encoded[at + 1], encoded[at + 2], encoded[at + 3], encoded[at + 4]);
    }

    private static long[] roll(long[] s, long nowNanos) {
        long period = s[PERIOD];
        long start = alignedStart(nowNanos, period);
        if (start <= s[WINDOW_START]) {
            return s;
        }
        s[PREVIOUS] = start - s[WINDOW_START] == period ? s[CURRENT] : 0;
        s[CURRENT] = 0;
        s[WINDOW_START] = start;
        return s;
    }

    private static long estimate(long[] s, long t) {
        long period = s[PERIOD];
        long elapsed = t - s[WINDOW_START];
        return s[CURRENT] + mulDiv(s[PREVIOUS], period - elapsed, period, true);
    }

    private static Decision decision(long[] s, long t, long estimate, boolean allowed) {
        long limit = s[LIMIT];
        long period = s[PERIOD];
        long elapsed = t - s[WINDOW_START];
        long reset = period - elapsed;
        return new Decision(allowed, limit, Math.max(0, limit - estimate), reset,
                allowed ? 0 : retryAfter(s, elapsed));
    }

    /**
     * The least wait until {@code current + 1 + ceil(previous * (period - elapsed') / period) <= limit}: within
     * this window while {@code current < limit} (the previous window's weight decays), else in the next one,
     * where today's count becomes the previous window's.
     */
    private static long retryAfter(long[] s, long elapsed) {
        long limit = s[LIMIT];
        long period = s[PERIOD];
        long current = s[CURRENT];
        if (current < limit) {
            long room = limit - 1 - current;
            long admitsAt = period - mulDiv(room, period, s[PREVIOUS], false);
            return admitsAt - elapsed;
        }
        long admitsAtNext = period - mulDiv(limit - 1, period, current, false);
        return period - elapsed + admitsAtNext;
    }

    private static long alignedStart(long nowNanos, long periodNanos) {
        return nowNanos - Math.floorMod(nowNanos, periodNanos);
    }

    /** {@code a * b / c} rounded down or up, for {@code a, b >= 0} and {@code c > 0}, without overflow. */
    static long mulDiv(long a, long b, long c, boolean roundUp) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if (high == 0 && low >= 0) {
            long q = low / c;
            return roundUp && q * c != low ? q + 1 : q;
        }
        BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(c));
        BigInteger q = roundUp && qr[1].signum() != 0 ? qr[0].add(BigInteger.ONE) : qr[0];
        return q.longValueExact();
    }
}
