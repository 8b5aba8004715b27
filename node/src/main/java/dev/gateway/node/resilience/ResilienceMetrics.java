package dev.gateway.node.resilience;

import dev.gateway.limiter.breaker.BreakerState;
import dev.gateway.node.observability.metrics.GatewayMetrics;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of retries, hedges, budget exhaustion, short-circuited requests and breaker transitions, per upstream,
 * exported as {@code gateway_upstream_retries_total}, {@code gateway_upstream_hedges_total},
 * {@code gateway_upstream_retry_budget_exhausted_total}, {@code gateway_breaker_short_circuited_total} and
 * {@code gateway_breaker_transitions_total{upstream, to}}. A counter appears on its first event. Thread-safe.
 */
public final class ResilienceMetrics implements ResilienceEvents {
    private final GatewayMetrics metrics;
    private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();

    public ResilienceMetrics(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void retried(String upstream) {
        count("gateway_upstream_retries", "Retries sent to an upstream.", "upstream", upstream);
    }

    @Override
    public void hedged(String upstream) {
        count("gateway_upstream_hedges", "Hedged (extra) requests sent to an upstream.", "upstream", upstream);
    }

    @Override
    public void budgetExhausted(String upstream) {
        count("gateway_upstream_retry_budget_exhausted",
                "Retries or hedges not sent because the upstream's retry budget was spent.", "upstream", upstream);
    }

    @Override
    public void shortCircuited(String upstream) {
        count("gateway_breaker_short_circuited", "Requests refused with 503 by an open circuit breaker.",
                "upstream", upstream);
    }

    /** A breaker of {@code upstream} moved to {@code to}. */
    public void transition(String upstream, BreakerState to) {
        count("gateway_breaker_transitions", "Circuit breaker state changes, by the state entered.",
                "upstream", upstream, "to", to.name().toLowerCase(Locale.ROOT));
    }

    private void count(String family, String help, String... labels) {
        String key = family + '|' + String.join("|", labels);
        LongAdder adder = counters.get(key);
        if (adder == null) {
            adder = counters.computeIfAbsent(key, k -> {
                LongAdder fresh = new LongAdder();
                metrics.registerCounter(family, help, fresh::sum, labels);
                return fresh;
            });
        }
        adder.increment();
    }

    /** The count so far of one series; 0 before its first event. For tests and the admin view. */
    public long value(String family, String... labels) {
        LongAdder adder = counters.get(family + '|' + String.join("|", labels));
        return adder == null ? 0 : adder.sum();
    }
}
