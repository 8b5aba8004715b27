package dev.gateway.node.admin;

/**
 * Whether this node should receive traffic. Live while the process runs; ready once it serves a
 * config and until it starts draining. Thread-safe.
 */
public final class Health {
    private volatile boolean serving;
    private volatile boolean draining;

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
        return null;
    }
}
