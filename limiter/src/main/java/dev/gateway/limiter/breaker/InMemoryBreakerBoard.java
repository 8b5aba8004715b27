package dev.gateway.limiter.breaker;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The reference {@link BreakerBoard} and {@link BreakerViews}: {@link SharedBreakerPolicy} over a map in this
 * process, for tests and for a gateway running alone. Every call holds the board's lock; listeners are called
 * synchronously, on the thread that made the change, inside the lock, in the order of the changes (a listener
 * may call the board; it must not wait for another thread that does). An exception a listener throws is logged
 * and otherwise ignored. Never throws {@link BreakerBoardUnavailableException}.
 */
public final class InMemoryBreakerBoard implements BreakerBoard, BreakerViews {

    private static final System.Logger LOG = System.getLogger(InMemoryBreakerBoard.class.getName());

    private final Map<String, SharedBreakerState> states = new TreeMap<>();
    private final CopyOnWriteArrayList<BiConsumer<String, SharedBreakerView>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public synchronized SharedBreakerView report(String upstream, BreakerSpec spec, String node, Evidence evidence,
            HeldView held, long nowMillis) {
        SharedBreakerState s = current(upstream, nowMillis);
        return store(upstream, s, new SharedBreakerPolicy(spec).onReport(s, node, evidence, held, nowMillis))
                .view();
    }

    @Override
    public synchronized ProbeAnswer tryProbe(String upstream, BreakerSpec spec, String node, long nowMillis) {
        SharedBreakerState s = current(upstream, nowMillis);
        SharedProbeGrant grant = new SharedBreakerPolicy(spec).onProbeRequest(s, node, nowMillis);
        return new ProbeAnswer(grant.granted(), store(upstream, s, grant.state()).view());
    }

    @Override
    public synchronized SharedBreakerView probeResult(String upstream, BreakerSpec spec, String node, boolean success,
            long nowMillis) {
        SharedBreakerState s = current(upstream, nowMillis);
        return store(upstream, s, new SharedBreakerPolicy(spec).onProbeResult(s, node, success, nowMillis)).view();
    }

    @Override
    public synchronized Map<String, SharedBreakerView> all() {
        Map<String, SharedBreakerView> all = new TreeMap<>();
        states.forEach((upstream, s) -> all.put(upstream, s.view()));
        return all;
    }

    @Override
    public AutoCloseable subscribe(BiConsumer<String, SharedBreakerView> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private SharedBreakerState current(String upstream, long nowMillis) {
        Objects.requireNonNull(upstream, "upstream");
        SharedBreakerState s = states.get(upstream);
        return s == null ? SharedBreakerState.initial(nowMillis) : s;
    }

    /**
     * Stores {@code next} and tells the listeners, unless it equals {@code previous} (so an unknown upstream that
     * nothing changed, say a probe request before any report, gets no entry).
     */
    private SharedBreakerState store(String upstream, SharedBreakerState previous, SharedBreakerState next) {
        if (next.equals(previous)) {
            return next;
        }
        states.put(upstream, next);
        SharedBreakerView view = next.view();
        for (BiConsumer<String, SharedBreakerView> listener : listeners) {
            try {
                listener.accept(upstream, view);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "breaker view listener failed for '" + upstream + "'", e);
            }
        }
        return next;
    }
}
