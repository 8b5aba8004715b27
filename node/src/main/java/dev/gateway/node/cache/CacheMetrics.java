package dev.gateway.node.cache;

import dev.gateway.node.observability.metrics.GatewayMetrics;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code gateway_cache_requests_total{route, result}} (hit, miss, bypass) and what the caches hold
 * ({@code gateway_cache_entries{scope}}). Counters appear on first use. Thread-safe.
 */
public final class CacheMetrics {
    private final GatewayMetrics metrics;
    private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();

    public CacheMetrics(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    void count(String route, String result) {
        String key = route + '|' + result;
        LongAdder adder = counters.get(key);
        if (adder == null) {
            adder = counters.computeIfAbsent(key, k -> {
                LongAdder fresh = new LongAdder();
                metrics.registerCounter("gateway_cache_requests", "Cacheable-route requests by cache result.",
                        fresh::sum, "route", route, "result", result);
                return fresh;
            });
        }
        adder.increment();
    }

    /** The count so far, for tests. */
    public long value(String route, String result) {
        LongAdder adder = counters.get(route + '|' + result);
        return adder == null ? 0 : adder.sum();
    }

    /** Exports the number of entries of one store. */
    public void registerEntries(String scope, java.util.function.LongSupplier entries) {
        metrics.registerGauge("gateway_cache_entries", "Responses held by the response cache.", entries,
                "scope", scope);
    }
}
