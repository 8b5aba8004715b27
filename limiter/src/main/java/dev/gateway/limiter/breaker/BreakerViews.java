package dev.gateway.limiter.breaker;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Read side of the cluster-wide breakers, for {@code /admin/breakers} and for pushing a decision to every node
 * without waiting for its next report. May throw {@link BreakerBoardUnavailableException} when the store
 * cannot answer. Implementations are thread-safe.
 */
public interface BreakerViews {

    /** Every upstream's shared breaker as stored (the last change), by upstream name. */
    Map<String, SharedBreakerView> all();

    /**
     * Calls {@code listener} with the upstream's name and new view after changes of an upstream's entry, in the
     * order of the changes for one upstream, one call at a time. Implementations may call it asynchronously and
     * may skip intermediate views of an upstream (the latest one always follows); events can be lost when a
     * member dies, so a node also applies the views its own reports return. Closing the returned handle stops
     * the calls; its {@code close()} throws nothing.
     */
    AutoCloseable subscribe(BiConsumer<String, SharedBreakerView> listener);
}
