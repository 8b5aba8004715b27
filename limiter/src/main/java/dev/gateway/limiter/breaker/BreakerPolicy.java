package dev.gateway.limiter.breaker;

import java.time.Duration;
import java.util.Objects;

/**
 * The breaker's decisions, as pure functions of a {@link BreakerSnapshot}, the evidence and the time, all passed
 * in: no clock, no mutable state, thread-safe. The node-local {@link CircuitBreaker} runs them over its own
 * window; a cluster-wide owner runs the same functions over evidence summed from every node. Every function
 * returns its argument itself when nothing changes (so {@code next == s} tells "unchanged"), and every change
 * of state goes through {@link Transitions#next}.
 *
 * <h2>Probe leases</h2>
 * A probe granted in {@code HALF_OPEN} holds its slot until its result comes in, or until its lease expires:
 * {@link BreakerSpec#openFor()} after the grant. Expiry keeps a probe that never completes (a lost response, a
 * caller that forgot to report) from wedging the breaker half-open: {@link #onTime} then releases every
 * outstanding slot, and {@link #tryGrantProbe} grants new probes. The snapshot keeps one deadline for all
 * outstanding probes, moved on by each grant, so a slot is held at most {@code halfOpenProbes * openFor}.
 * Callers must drop the result of a probe whose lease has expired (the {@code CircuitBreaker} does, by the
 * permit's {@link Permit#leaseUntilMillis()}); this class cannot tell such a result from a live one.
 */
public final class BreakerPolicy {

    private final BreakerSpec spec;
    private final long openForMillis;
    private final long slowCallNanos;

    public BreakerPolicy(BreakerSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.openForMillis = ceilMillis(spec.openFor());
        this.slowCallNanos = spec.slowCall() == null ? Long.MAX_VALUE : saturatedNanos(spec.slowCall());
    }

    public BreakerSpec spec() {
        return spec;
    }

    /** A breaker that starts closed at {@code nowMillis}, generation 0. */
    public static BreakerSnapshot closed(long nowMillis) {
        return new BreakerSnapshot(BreakerState.CLOSED, nowMillis, 0, 0, 0, 0);
    }

    /**
     * Whether this evidence trips a closed breaker: at least {@code minimumCalls} calls with a rate at or above
     * the threshold, or (with a {@code consecutiveFailures} rule) that many failures in a row, however many
     * successes the window holds from before: an upstream that just died opens the breaker without waiting for
     * its failures to outweigh a window of earlier successes.
     */
    public boolean trips(Evidence e) {
        return e.calls() >= spec.minimumCalls() && e.failureRatePercent() >= spec.failureRatePercent()
                || spec.consecutiveFailures() > 0 && e.consecutiveFailures() >= spec.consecutiveFailures();
    }

    /** Whether a call counts as failed: it failed, or it took longer than {@link BreakerSpec#slowCall()}. */
    public boolean countsAsFailure(boolean failure, long durationNanos) {
        return failure || durationNanos > slowCallNanos;
    }

    /**
     * {@code CLOSED} and evidence that {@link #trips}: {@code OPEN} until {@code now + openFor}. Otherwise
     * {@code s} (evidence means nothing to an open or half-open breaker).
     */
    public BreakerSnapshot onEvidence(BreakerSnapshot s, Evidence e, long now) {
        Objects.requireNonNull(e, "e");
        if (s.state() != BreakerState.CLOSED || !trips(e)) {
            return s;
        }
        return open(s, BreakerEvent.TRIP, now);
    }

    /**
     * What time alone changes: {@code OPEN} past its {@code openUntilMillis} becomes {@code HALF_OPEN} with no
     * probe granted; {@code HALF_OPEN} past the lease of outstanding probes releases their slots (same state,
     * same generation, {@code probesGranted} back to {@code probesSucceeded}). Otherwise {@code s}.
     */
    public BreakerSnapshot onTime(BreakerSnapshot s, long now) {
        if (s.state() == BreakerState.OPEN && now >= s.openUntilMillis()) {
            BreakerState to = Transitions.next(s.state(), BreakerEvent.OPEN_ELAPSED);
            return to == s.state() ? s : new BreakerSnapshot(to, now, now, 0, 0, s.generation() + 1);
        }
        if (s.state() == BreakerState.HALF_OPEN && s.hasOutstandingProbes() && now >= s.openUntilMillis()) {
            return new BreakerSnapshot(s.state(), s.sinceMillis(), s.openUntilMillis(), s.probesSucceeded(),
                    s.probesSucceeded(), s.generation());
        }
        return s;
    }

    /**
     * Applies {@link #onTime} first, then, in {@code HALF_OPEN} with fewer than {@code halfOpenProbes} probes
     * granted, grants one: {@code probesGranted + 1}, and the lease deadline ({@code openUntilMillis}) moves to
     * {@code now + openFor}. Store the returned snapshot even when nothing is granted.
     */
    public ProbeGrant tryGrantProbe(BreakerSnapshot s, long now) {
        BreakerSnapshot t = onTime(s, now);
        if (t.state() != BreakerState.HALF_OPEN || t.probesGranted() >= spec.halfOpenProbes()) {
            return new ProbeGrant(false, t);
        }
        return new ProbeGrant(true, new BreakerSnapshot(t.state(), t.sinceMillis(), plus(now, openForMillis),
                t.probesGranted() + 1, t.probesSucceeded(), t.generation()));
    }

    /**
     * A probe's result, in {@code HALF_OPEN} (anything else: {@code s}, the result is stale). A failure reopens
     * the breaker for a fresh {@code openFor}. A success counts only against an outstanding grant (none: {@code s});
     * the success that makes {@code probesSucceeded} reach {@code halfOpenProbes} closes the breaker.
     */
    public BreakerSnapshot onProbeResult(BreakerSnapshot s, boolean success, long now) {
        if (s.state() != BreakerState.HALF_OPEN) {
            return s;
        }
        if (!success) {
            return open(s, BreakerEvent.PROBE_FAILED, now);
        }
        if (!s.hasOutstandingProbes()) {
            return s;
        }
        int succeeded = s.probesSucceeded() + 1;
        if (succeeded < spec.halfOpenProbes()) {
            return new BreakerSnapshot(s.state(), s.sinceMillis(), s.openUntilMillis(), s.probesGranted(), succeeded,
                    s.generation());
        }
        return close(s, BreakerEvent.PROBE_SUCCEEDED, now);
    }

    /** An operator's close: {@code CLOSED} from any state ({@code s} itself when already closed). */
    public BreakerSnapshot onForceClose(BreakerSnapshot s, long now) {
        return close(s, BreakerEvent.FORCE_CLOSE, now);
    }

    /** How long a refused caller should wait: {@code max(0, openUntil - now)} when {@code OPEN}, else 0. */
    public long retryAfterMillis(BreakerSnapshot s, long now) {
        return s.state() == BreakerState.OPEN ? Math.max(0, s.openUntilMillis() - now) : 0;
    }

    private BreakerSnapshot open(BreakerSnapshot s, BreakerEvent event, long now) {
        BreakerState to = Transitions.next(s.state(), event);
        return to == s.state() ? s : new BreakerSnapshot(to, now, plus(now, openForMillis), 0, 0, s.generation() + 1);
    }

    private static BreakerSnapshot close(BreakerSnapshot s, BreakerEvent event, long now) {
        BreakerState to = Transitions.next(s.state(), event);
        return to == s.state() ? s : new BreakerSnapshot(to, now, 0, 0, 0, s.generation() + 1);
    }

    /** {@code d} in whole milliseconds, rounded up. */
    static long ceilMillis(Duration d) {
        long millis = d.toMillis();
        return d.minusMillis(millis).isZero() ? millis : millis + 1;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    private static long plus(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
