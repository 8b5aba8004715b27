package dev.gateway.config.feed;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Hands versions to one subscriber in the order {@link ConfigVersion#supersedes} defines, each once: a version
 * that does not supersede the last one delivered is dropped. Serialised, so the subscriber sees one call at a
 * time whichever threads offer (an event thread and a poller, say). A subscriber that throws does not stop
 * later deliveries; the version still counts as delivered.
 */
public final class OrderedDelivery {
    private final Consumer<ConfigVersion> listener;
    private final Consumer<RuntimeException> onListenerError;
    private ConfigVersion delivered;
    private boolean closed;

    public OrderedDelivery(Consumer<ConfigVersion> listener, Consumer<RuntimeException> onListenerError) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.onListenerError = Objects.requireNonNull(onListenerError, "onListenerError");
    }

    /** Delivers {@code version} unless it is null, already delivered or older; returns whether it did. */
    public synchronized boolean offer(ConfigVersion version) {
        if (closed || version == null || !version.supersedes(delivered)) {
            return false;
        }
        delivered = version;
        try {
            listener.accept(version);
        } catch (RuntimeException e) {
            onListenerError.accept(e);
        }
        return true;
    }

    /** From now on nothing is delivered. */
    public synchronized void close() {
        closed = true;
    }
}
