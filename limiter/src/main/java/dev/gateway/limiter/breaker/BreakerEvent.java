package dev.gateway.limiter.breaker;

/** What can happen to a breaker; {@link Transitions#next} says where each event leads from each state. */
public enum BreakerEvent {
    /** The failure rate over the window reached the threshold with enough calls. */
    TRIP,
    /** The open period is over. */
    OPEN_ELAPSED,
    /** Every probe the half-open state needs has succeeded (the caller counts them). */
    PROBE_SUCCEEDED,
    /** A probe failed. */
    PROBE_FAILED,
    /** An operator closed the breaker by hand. */
    FORCE_CLOSE
}
