package dev.gateway.limiter.breaker;

/**
 * Observes a {@link CircuitBreaker}'s state changes, for logs, metrics and reporting to the cluster.
 *
 * <p>Called once per change, in the order the changes happened, one call at a time, on a thread that was
 * calling the breaker (usually the one that caused the change), after the change is visible and outside the
 * breaker's lock. It runs on the request path: it must be quick and must not block. It may call the breaker
 * (a change that causes is delivered after the listener returns). An exception it throws is logged and
 * otherwise ignored.
 */
@FunctionalInterface
public interface BreakerListener {

    /** The breaker moved from {@code from} to {@code to} (never equal) at {@code epochMillis}. */
    void onTransition(BreakerState from, BreakerState to, long epochMillis);

    /** A listener that ignores everything. */
    static BreakerListener none() {
        return (from, to, epochMillis) -> { };
    }
}
