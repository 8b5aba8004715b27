package dev.gateway.limiter.breaker;

import java.util.Objects;

/**
 * A breaker's whole state at one moment, immutable, so that {@link BreakerPolicy} can decide over it with pure
 * functions and a cluster can ship it between members.
 *
 * @param state           the state
 * @param sinceMillis     when the breaker entered {@code state} (epoch milliseconds)
 * @param openUntilMillis {@code OPEN}: when the open period ends and probes may go; {@code HALF_OPEN}: when the
 *                        leases of the probes granted so far expire (the last grant plus the lease, see
 *                        {@link BreakerPolicy#tryGrantProbe}), meaningless while no probe is outstanding;
 *                        {@code CLOSED}: 0
 * @param probesGranted   {@code HALF_OPEN}: probes granted and not released by lease expiry; else 0
 * @param probesSucceeded {@code HALF_OPEN}: granted probes that succeeded, {@code 0..probesGranted}; else 0
 * @param generation      counts the state changes since {@link BreakerPolicy#closed}: every change of
 *                        {@code state} adds one, nothing else does. Of two snapshots of one breaker the one with
 *                        the greater generation is the newer state; a result reported under an older generation
 *                        (a call admitted before a trip, a probe of an earlier half-open period) is stale
 */
public record BreakerSnapshot(BreakerState state, long sinceMillis, long openUntilMillis, int probesGranted,
        int probesSucceeded, long generation) {

    public BreakerSnapshot {
        Objects.requireNonNull(state, "state");
        if (probesGranted < 0) {
            throw new IllegalArgumentException("probesGranted: " + probesGranted + " (expected: >= 0)");
        }
        if (probesSucceeded < 0 || probesSucceeded > probesGranted) {
            throw new IllegalArgumentException("probesSucceeded: " + probesSucceeded
                    + " (expected: 0.." + probesGranted + ")");
        }
        if (generation < 0) {
            throw new IllegalArgumentException("generation: " + generation + " (expected: >= 0)");
        }
    }

    /** Whether some granted probe has neither succeeded nor been released. */
    public boolean hasOutstandingProbes() {
        return probesGranted > probesSucceeded;
    }
}
