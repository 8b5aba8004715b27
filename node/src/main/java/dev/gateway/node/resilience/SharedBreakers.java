package dev.gateway.node.resilience;

import dev.gateway.limiter.Ticker;
import dev.gateway.limiter.breaker.BreakerBoard;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.BreakerState;
import dev.gateway.limiter.breaker.BreakerViews;
import dev.gateway.limiter.breaker.SharedBreakerView;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This node's side of the cluster's breakers: makes the {@link ClusterBreaker}s, reports each one's evidence to
 * the cluster every {@code reportEvery} on its own thread (never on a request thread), and applies the views the
 * cluster publishes. Close it before the cluster.
 */
public final class SharedBreakers implements AutoCloseable {
    private final String node;
    private final BreakerBoard board;
    private final BreakerViews views;
    private final Ticker ticker;
    private final ResilienceMetrics metrics;
    private final ScheduledExecutorService worker;
    private final ConcurrentHashMap<String, ClusterBreaker> breakers = new ConcurrentHashMap<>();
    private final AutoCloseable subscription;

    public SharedBreakers(String node, BreakerBoard board, BreakerViews views, Ticker ticker, ResilienceMetrics metrics,
                          Duration reportEvery) {
        this.node = node;
        this.board = board;
        this.views = views;
        this.ticker = ticker;
        this.metrics = metrics;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-breakers");
            t.setDaemon(true);
            return t;
        });
        this.subscription = views.subscribe((upstream, view) -> {
            ClusterBreaker breaker = breakers.get(upstream);
            if (breaker != null) {
                breaker.adopt(view);
            }
        });
        long every = reportEvery.toMillis();
        worker.scheduleWithFixedDelay(this::reportAll, every, every, TimeUnit.MILLISECONDS);
    }

    /** The cluster-scoped breaker of {@code upstream}, replacing an earlier one of another spec. */
    Breaker breaker(String upstream, BreakerSpec spec, LocalBreaker fallback, Duration probeWait) {
        ClusterBreaker breaker = new ClusterBreaker(upstream, node, spec, fallback, ticker, board, worker,
                to -> metrics.transition(upstream, to), probeWait.toMillis());
        breakers.put(upstream, breaker);
        worker.execute(breaker::report); // learn the cluster's state before the first request needs it
        return breaker;
    }

    private void reportAll() {
        for (ClusterBreaker breaker : breakers.values()) {
            breaker.report();
        }
    }

    /** Each upstream's breaker as the cluster sees it, with every node's evidence; empty when it cannot answer. */
    public Map<String, SharedBreakerView> clusterViews() {
        try {
            return new TreeMap<>(views.all());
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    /** Whether this node follows the cluster's decision for {@code upstream} (else its own breaker decides). */
    public boolean following(String upstream) {
        ClusterBreaker breaker = breakers.get(upstream);
        return breaker != null && breaker.following();
    }

    /** The state this node acts on for {@code upstream}, or null when it has no shared breaker. */
    public BreakerState state(String upstream) {
        ClusterBreaker breaker = breakers.get(upstream);
        return breaker == null ? null : breaker.state();
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            // the cluster is going away
        }
        worker.shutdownNow();
    }
}
