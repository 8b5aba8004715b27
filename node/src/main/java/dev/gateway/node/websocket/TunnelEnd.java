package dev.gateway.node.websocket;

import java.nio.ByteBuffer;

/**
 * One connection of a WebSocket tunnel, as the tunnel drives it: the client's or the upstream's, after the 101.
 * Implementations are the Grizzly adapters of the server and upstream packages (and in-memory ones in tests).
 */
public interface TunnelEnd {

    /** Receives what the connection reads, one call at a time, in order. */
    interface Reader {
        /**
         * Bytes read from the connection, which the reader owns from now on.
         *
         * @return true to go on reading; false to pause until {@link #resumeReading()}
         */
        boolean onBytes(ByteBuffer bytes);

        /** The connection closed (the peer closed it, it failed, or {@link #close()} was called); called once. */
        void onEnd();
    }

    /** Starts reading into {@code reader}; bytes that arrived before are delivered first. Called once. */
    void open(Reader reader);

    /** Reading resumes after {@link Reader#onBytes} returned false. Any thread. */
    void resumeReading();

    /**
     * Queues {@code bytes} for the connection; never blocks. Any thread.
     *
     * @param writable run once, from any thread, when the connection can take more after this returned false
     * @return true when more may be written at once; false when the connection's write queue is full
     */
    boolean write(ByteBuffer bytes, Runnable writable);

    /** Closes the connection once what was written before is out. Idempotent. */
    void close();
}
