package dev.gateway.node.upstream.grizzly;

import java.nio.ByteBuffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.WriteHandler;
import org.glassfish.grizzly.memory.Buffers;

/**
 * One write of a WebSocket tunnel's bytes to either of its connections, with back-pressure: true when the
 * connection can take more at once; false when its write queue is full, and then {@code writable} runs once it has
 * drained (a failure to drain closes the connection, which ends the tunnel through its close handling).
 */
public final class TunnelWrites {
    private TunnelWrites() {
    }

    public static boolean write(Connection<?> connection, ByteBuffer bytes, Runnable writable) {
        connection.write(Buffers.wrap(connection.getMemoryManager(), bytes));
        if (connection.canWrite()) {
            return true;
        }
        connection.notifyCanWrite(new WriteHandler() {
            @Override
            public void onWritePossible() {
                writable.run();
            }

            @Override
            public void onError(Throwable t) {
                connection.closeSilently();
            }
        });
        return false;
    }
}
