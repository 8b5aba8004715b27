package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;
import java.util.List;

/**
 * Circuit breaker of one upstream. It opens when, within {@code window}, at least {@code minimumCalls} calls
 * were made and the failure rate reached {@code failureRate}, or {@code consecutiveFailures} calls in a row
 * failed (0: no such rule); it stays open {@code openFor}, then lets
 * {@code halfOpenProbes} probes through (cluster-wide with scope {@code cluster}). Calls slower than
 * {@code slowCall} (when set) count as failures, as do the outcomes listed in {@code on} ({@code connect-failure},
 * {@code timeout}, statuses 500..599: the vocabulary of {@code retries.on}). An open breaker answers 503. A request that finds the breaker
 * due for a probe waits up to {@code probeWait} for the cluster's probe lease and, granted, is the probe.
 */
public record CircuitBreakerConfig(Scope scope, Percent failureRate, int minimumCalls, Duration window,
                                   Duration openFor, int halfOpenProbes, Duration slowCall, List<String> on,
                                   int consecutiveFailures, Duration probeWait) {
    public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
    /** Without 500: an upstream's own bug answering 500 is not a sign that it is down. */
    public static final List<String> DEFAULT_ON = List.of("connect-failure", "timeout", "502", "503", "504");
    public static final Duration DEFAULT_PROBE_WAIT = Duration.ofMillis(50);
    public static final Duration MAX_PROBE_WAIT = Duration.ofSeconds(1);

    public CircuitBreakerConfig {
        Check.notNull(scope, "scope");
        Check.notNull(failureRate, "failureRate");
        Check.that(failureRate.value() > 0, "failureRate", failureRate, "> 0%");
        Check.atLeast(minimumCalls, 1, "minimumCalls");
        Check.positive(window, "window");
        Check.positive(openFor, "openFor");
        Check.atLeast(halfOpenProbes, 1, "halfOpenProbes");
        Check.that(slowCall == null || (!slowCall.isNegative() && !slowCall.isZero()), "slowCall", slowCall, "> 0");
        on = Check.list(on, "on");
        Check.that(!on.isEmpty(), "on", on, "at least one of connect-failure, timeout, 500..599");
        for (String o : on) {
            Check.that(o.equals("connect-failure") || o.equals("timeout") || o.matches("5\\d\\d"), "on", o,
                    "connect-failure, timeout or a status 500..599");
        }
        Check.that(consecutiveFailures >= 0, "consecutiveFailures", consecutiveFailures, ">= 0 (0: no such rule)");
        Check.notNull(probeWait, "probeWait");
        Check.that(!probeWait.isNegative() && probeWait.compareTo(MAX_PROBE_WAIT) <= 0, "probeWait", probeWait,
                "0 to 1s: a request waits this long on the request path");
    }

    /**
     * Cluster scope, 50%, 20 calls, 10s window, 30s open, 1 probe, no slow-call threshold, failures on
     * connect-failure, timeout, 502, 503, 504, 5 consecutive failures trip it too, 50ms probe wait.
     */
    public static CircuitBreakerConfig defaults() {
        return new CircuitBreakerConfig(Scope.CLUSTER, new Percent(50), 20, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 1, null, DEFAULT_ON,
                DEFAULT_CONSECUTIVE_FAILURES, DEFAULT_PROBE_WAIT);
    }
}
