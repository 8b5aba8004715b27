package dev.gateway.node.runtime;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The runtime now serving, swapped whole (build, swap, close): a request enters the runtime
 * current when it arrives and finishes on it even if a new one is swapped in meanwhile; the
 * old runtime closes when its last request exits.
 */
public final class RuntimeHolder {
    private final AtomicReference<GatewayRuntime> current = new AtomicReference<>();

    /** The runtime a new request runs on, entered; pair with {@link GatewayRuntime#exit()}. Null before the first swap. */
    public GatewayRuntime enter() {
        for (;;) {
            GatewayRuntime runtime = current.get();
            if (runtime == null || runtime.enter()) {
                return runtime;
            }
        }
    }

    public GatewayRuntime current() {
        return current.get();
    }

    /** Publishes {@code next}; the previous runtime is closed once drained. */
    public void swap(GatewayRuntime next) {
        GatewayRuntime previous = current.getAndSet(next);
        if (previous != null) {
            previous.retire();
        }
    }
}
