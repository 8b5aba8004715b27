package dev.gateway.node.upstream.grizzly;

import java.io.IOException;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.nio.NIOConnection;

/**
 * An upstream connection and what the pool knows of it. It carries at most one exchange at a
 * time (HTTP/1.1 without pipelining); {@link #exchange} is set by the exchange that holds it
 * and cleared when the connection goes back to the pool.
 */
final class PooledConnection {
    final Connection<?> connection;
    final TargetPool pool;
    volatile UpstreamExchange exchange;
    /** The WebSocket tunnel this connection carries since its upstream's 101; it then never returns to the pool. */
    volatile UpstreamTunnelEnd tunnel;
    /** Taken out of the pool ({@link TargetPool#detach}): its close is no longer the pool's to count. */
    volatile boolean detached;
    volatile long idleSinceNanos;
    /** When it was opened: past the pool's maximum lifetime it is not reused. */
    final long createdNanos = System.nanoTime();
    /** How many exchanges this connection has carried; more than zero means a reused connection. */
    int uses;

    PooledConnection(Connection<?> connection, TargetPool pool) {
        this.connection = connection;
        this.pool = pool;
    }

    boolean isOpen() {
        return connection.isOpen();
    }

    void close() {
        connection.closeSilently();
    }

    /** Stops reading the upstream's bytes: the client is slower than the upstream. */
    void pauseReading() {
        toggleRead(false);
    }

    void resumeReading() {
        toggleRead(true);
    }

    private void toggleRead(boolean enable) {
        if (connection instanceof NIOConnection nio && nio.isOpen()) {
            try {
                if (enable) {
                    nio.enableIOEvent(IOEvent.READ);
                } else {
                    nio.disableIOEvent(IOEvent.READ);
                }
            } catch (IOException e) {
                connection.closeSilently();
            }
        }
    }
}
