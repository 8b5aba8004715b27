package dev.gateway.limiter.breaker;

/**
 * The answer of {@link CircuitBreaker#tryAcquire()}. An allowed permit must be handed back to
 * {@link CircuitBreaker#onComplete} once the call is done (a rejected one may be, and is then ignored).
 *
 * @param allowed          whether the call may go to the upstream; refused calls map to 503
 * @param probe            whether the call is a half-open probe, whose result decides whether the breaker
 *                         closes or reopens
 * @param retryAfterMillis when refused while {@code OPEN}: time until the open period ends, for
 *                         {@code Retry-After}; 0 when allowed, and 0 when refused in {@code HALF_OPEN} (the
 *                         probes in flight decide soon: the caller picks its own small {@code Retry-After})
 * @param generation       the breaker's {@link BreakerSnapshot#generation()} when the permit was issued; an
 *                         outcome reported for an older generation is dropped
 * @param leaseUntilMillis for a probe, when its lease expires (epoch milliseconds): a result reported at or after
 *                         it is dropped, since the breaker may have granted the slot to another probe; else 0
 */
public record Permit(boolean allowed, boolean probe, long retryAfterMillis, long generation, long leaseUntilMillis) {

    public Permit {
        if (probe && !allowed) {
            throw new IllegalArgumentException("probe: true (expected: only for an allowed permit)");
        }
        if (retryAfterMillis < 0 || (allowed && retryAfterMillis != 0)) {
            throw new IllegalArgumentException("retryAfterMillis: " + retryAfterMillis
                    + (allowed ? " (expected: 0 for an allowed permit)" : " (expected: >= 0)"));
        }
        if (!probe && leaseUntilMillis != 0) {
            throw new IllegalArgumentException("leaseUntilMillis: " + leaseUntilMillis + " (expected: 0 unless a probe)");
        }
        if (generation < 0) {
            throw new IllegalArgumentException("generation: " + generation + " (expected: >= 0)");
        }
    }

    /** An ordinary call admitted by a closed breaker. */
    public static Permit admitted(long generation) {
        return new Permit(true, false, 0, generation, 0);
    }

    /** A half-open probe, leased until {@code leaseUntilMillis}. */
    public static Permit probe(long generation, long leaseUntilMillis) {
        return new Permit(true, true, 0, generation, leaseUntilMillis);
    }

    /** A refused call. */
    public static Permit rejected(long retryAfterMillis, long generation) {
        return new Permit(false, false, retryAfterMillis, generation, 0);
    }
}
