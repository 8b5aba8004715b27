package dev.gateway.node.resilience;

import dev.gateway.limiter.breaker.BreakerState;

/**
 * One upstream's circuit breaker as the request path uses it: ask before each call to the upstream and report
 * the call's outcome on the ticket it gave. A node-scoped breaker decides alone; a cluster-scoped one follows
 * the cluster's decision. Never blocks.
 */
public interface Breaker {
    /** Whether a call may go now. */
    Ticket tryAcquire();

    /** The state the request path acts on now. */
    BreakerState state();

    /** One answer of {@link #tryAcquire()}. */
    interface Ticket {
        boolean allowed();

        /** For a refusal: how long the breaker stays open, in ms (0 when unknown). */
        long retryAfterMillis();

        /** The outcome of the call an allowed ticket let through; exactly once, never for a refusal. */
        void complete(boolean failure, long durationNanos);
    }
}
