package dev.gateway.node.resilience;

import dev.gateway.config.CircuitBreakerConfig;
import dev.gateway.limiter.Ticker;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.CircuitBreaker;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's breakers, one per upstream, kept across config versions: a reload that leaves an upstream's
 * {@code circuit-breaker} as it was keeps its breaker (and its state); a changed one starts a fresh breaker.
 * Cluster-scoped breakers come from {@link SharedBreakers} when the node is in a cluster; without one (or with
 * {@code scope: node}) the node's own breaker decides. Thread-safe.
 */
public final class BreakerRegistry implements AutoCloseable {
    private final Ticker ticker;
    private final ResilienceMetrics metrics;
    private final SharedBreakers shared;
    private final ConcurrentHashMap<String, Entry> breakers = new ConcurrentHashMap<>();

    private record Entry(CircuitBreakerConfig config, Breaker breaker) {
    }

    /** @param shared the cluster's breakers; null for a node without a cluster */
    public BreakerRegistry(Ticker ticker, ResilienceMetrics metrics, SharedBreakers shared) {
        this.ticker = ticker;
        this.metrics = metrics;
        this.shared = shared;
    }

    /** The breaker of {@code upstream} under {@code config}. */
    public Breaker breakerFor(String upstream, CircuitBreakerConfig config) {
        return breakers.compute(upstream, (name, existing) -> {
            if (existing != null && existing.config.equals(config)) {
                return existing;
            }
            if (existing != null && existing.breaker instanceof AutoCloseable closeable) {
                closeQuietly(closeable);
            }
            return new Entry(config, create(name, config));
        }).breaker;
    }

    private Breaker create(String upstream, CircuitBreakerConfig config) {
        BreakerSpec spec = specOf(config);
        LocalBreaker local = new LocalBreaker(new CircuitBreaker(spec, ticker,
                (from, to, at) -> metrics.transition(upstream, to)));
        if (shared == null || config.scope() == dev.gateway.config.Scope.NODE) {
            return local;
        }
        return shared.breaker(upstream, spec, local, config.probeWait());
    }

    static BreakerSpec specOf(CircuitBreakerConfig c) {
        return new BreakerSpec(c.failureRate().value(), c.minimumCalls(), c.window(), c.openFor(), c.halfOpenProbes(),
                c.slowCall(), c.consecutiveFailures());
    }

    /** Every upstream's breaker, for the admin view, by upstream name. */
    public Map<String, BreakerStatus> status() {
        Map<String, BreakerStatus> out = new TreeMap<>();
        breakers.forEach((name, entry) -> {
            if (entry.breaker instanceof ClusterBreaker c) {
                out.put(name, new BreakerStatus(name, true, c.state(), c.following(), c.view(), c.evidence(),
                        c.fallback().breaker().snapshot()));
            } else if (entry.breaker instanceof LocalBreaker l) {
                out.put(name, new BreakerStatus(name, false, l.state(), false, null, l.breaker().evidence(),
                        l.breaker().snapshot()));
            }
        });
        return out;
    }

    /** Every upstream's breaker, by upstream name. */
    public Map<String, Breaker> all() {
        Map<String, Breaker> out = new TreeMap<>();
        breakers.forEach((name, entry) -> out.put(name, entry.breaker));
        return out;
    }

    @Override
    public void close() {
        breakers.values().forEach(e -> {
            if (e.breaker instanceof AutoCloseable closeable) {
                closeQuietly(closeable);
            }
        });
        breakers.clear();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // a breaker's reporter; nothing to do
        }
    }
}
