package dev.gateway.node.resilience;

import dev.gateway.limiter.breaker.BreakerState;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One upstream's circuit breaker as the request path uses it: ask before each call to the upstream and report
 * the call's outcome on the ticket it gave. A node-scoped breaker decides alone; a cluster-scoped one follows
 * the cluster's decision. Never blocks.
 */
public interface Breaker {
    /** Whether a call may go now. */
    Ticket tryAcquire();

    /**
     * Whether a call may go, waiting a short bounded time when that settles it: a cluster breaker due for a probe
     * asks the cluster for the probe lease and answers when it is granted (this call is the probe) or refused,
     * or when its wait ({@code probe-wait}) ends. Most answers are already complete. Never fails.
     */
    default CompletionStage<Ticket> acquire() {
        return CompletableFuture.completedFuture(tryAcquire());
    }

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
