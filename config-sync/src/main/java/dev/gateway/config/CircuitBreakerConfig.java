package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;

/**
 * Circuit breaker of one upstream. It opens when, within {@code window}, at least {@code minimumCalls} calls
 * were made and the failure rate reached {@code failureRate}; it stays open {@code openFor}, then lets
 * {@code halfOpenProbes} probes through (cluster-wide with scope {@code cluster}). Calls slower than
 * {@code slowCall} (when set) count as failures. An open breaker answers 503.
 */
public record CircuitBreakerConfig(Scope scope, Percent failureRate, int minimumCalls, Duration window,
                                   Duration openFor, int halfOpenProbes, Duration slowCall) {
    public CircuitBreakerConfig {
        Check.notNull(scope, "scope");
        Check.notNull(failureRate, "failureRate");
        Check.that(failureRate.value() > 0, "failureRate", failureRate, "> 0%");
        Check.atLeast(minimumCalls, 1, "minimumCalls");
        Check.positive(window, "window");
        Check.positive(openFor, "openFor");
        Check.atLeast(halfOpenProbes, 1, "halfOpenProbes");
        Check.that(slowCall == null || (!slowCall.isNegative() && !slowCall.isZero()), "slowCall", slowCall, "> 0");
    }

    /** Cluster scope, 50%, 20 calls, 10s window, 30s open, 1 probe, no slow-call threshold. */
    public static CircuitBreakerConfig defaults() {
        return new CircuitBreakerConfig(Scope.CLUSTER, new Percent(50), 20, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 1, null);
    }
}
