package dev.gateway.limiter.breaker;

import java.util.Objects;

/**
 * What a node knows of a shared breaker when it reports: the generation, the state and (open) how much of the
 * open period is left, on no clock (a duration), so the owner can read it on its own. When the owner finds the
 * entry older than this (its owner and backups died, or a split's heal brought back another), the held view is
 * the newest truth the cluster still has: the entry is renumbered above it and, when the node knew the breaker
 * open, re-opened for the rest of its open period (see {@link SharedBreakerPolicy#onReport(SharedBreakerState,
 * String, Evidence, HeldView, long)}).
 *
 * @param generation    the held view's generation (0: none held)
 * @param state         the held view's state
 * @param openForMillis {@code OPEN}: what was left of the open period when the node reported; else 0
 */
public record HeldView(long generation, BreakerState state, long openForMillis) {

    /** A node that holds no view yet. */
    public static final HeldView NONE = new HeldView(0, BreakerState.CLOSED, 0);

    public HeldView {
        Objects.requireNonNull(state, "state");
        if (generation < 0) {
            throw new IllegalArgumentException("generation: " + generation + " (expected: >= 0)");
        }
        if (openForMillis < 0) {
            throw new IllegalArgumentException("openForMillis: " + openForMillis + " (expected: >= 0)");
        }
    }

    /** The held view of {@code view} ({@code null}: none) at {@code nowMillis}, the clock its instants are on. */
    public static HeldView of(SharedBreakerView view, long nowMillis) {
        if (view == null) {
            return NONE;
        }
        BreakerSnapshot s = view.snapshot();
        long left = s.state() == BreakerState.OPEN ? Math.max(0, s.openUntilMillis() - nowMillis) : 0;
        return new HeldView(s.generation(), s.state(), left);
    }
}
