package dev.gateway.node.admin;

import java.util.function.Supplier;

/**
 * Whether this node should receive traffic. Live while the process runs; ready once it serves a
 * config, while its cluster (if any) is joined and on the majority side, and until it starts
 * draining. Thread-safe.
 */
public final class Health {
    private final Supplier<String> clusterReason;
    private volatile boolean serving;
    private volatile boolean draining;

    /** @param clusterReason null when the cluster is fine (or there is none), else why not ready */
    public Health(Supplier<String> clusterReason) {
        this.clusterReason = clusterReason;
    }

    public void serving() {
        serving = true;
    }

    /** From now on the node is not ready, so that balancers stop sending it new connections. */
    public void draining() {
        draining = true;
    }

    /** Null when ready, else why not. */
    public String notReadyReason() {
        if (draining) {
            return "shutting down";
        }
        if (!serving) {
            return "starting";
        }
        return clusterReason.get();
    }
}
