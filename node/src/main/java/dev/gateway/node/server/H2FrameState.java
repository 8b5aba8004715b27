package dev.gateway.node.server;

/**
 * What {@link H2FrameScanner} knows of one HTTP/2 connection's incoming frames: where the current frame's header
 * or payload is, the header block being received, and the frames of the current one-second window that a client
 * could send without end (resets, SETTINGS, PINGs). Written only by the connection's selector thread, except the
 * fields the guard's sweeper reads, which are volatile.
 */
final class H2FrameState {
    /** Budgets per connection and second, and per header block; see {@link H2FrameScanner}. */
    final int resetsPerSecond;
    final int maxHeaderList;

    /** The 9 bytes of a frame header, as far as they have come. */
    final byte[] header = new byte[9];
    int headerBytes;
    /** Payload bytes of the current frame still to pass. */
    int payloadLeft;

    /** A header block (HEADERS without END_HEADERS, then CONTINUATIONs) is open. */
    boolean inHeaderBlock;
    int headerBlockBytes;
    int continuations;

    long windowStartNanos;
    int resets;
    int settings;
    int pings;

    /** The highest stream a client opened: the last-stream-id of a GOAWAY the guard sends. */
    volatile int lastStreamId;
    /** When the client last gave the node room to send (WINDOW_UPDATE or SETTINGS), or the connection began. */
    volatile long lastWindowNanos;
    /** The guard has sent GOAWAY NO_ERROR to this idle connection and is closing it; set by the sweeper. */
    volatile boolean goingAway;

    /** What to do when the client resets a stream whose answer is in progress, by stream id; made on first use. */
    private volatile java.util.Map<Integer, Runnable> onReset;

    java.util.Map<Integer, Runnable> onReset() {
        java.util.Map<Integer, Runnable> m = onReset;
        if (m == null) {
            synchronized (this) {
                m = onReset;
                if (m == null) {
                    m = new java.util.concurrent.ConcurrentHashMap<>();
                    onReset = m;
                }
            }
        }
        return m;
    }

    /** True while an answer is in progress on the connection (registered for a reset and not yet forgotten). */
    boolean answering() {
        java.util.Map<Integer, Runnable> m = onReset;
        return m != null && !m.isEmpty();
    }

    /**
     * The connection ended (the client closed it, or the node did): each answer still in progress on it is discarded
     * as if its stream had been reset, so that its upstream exchange ends now. Grizzly does not tell a stream's
     * writer waiting on a closed flow-control window that the connection is gone: without this, such an answer held
     * its upstream connection (and its pool slot) until the upstream's own timeout.
     */
    void connectionClosed() {
        java.util.Map<Integer, Runnable> m = onReset;
        if (m == null) {
            return;
        }
        for (Integer stream : java.util.List.copyOf(m.keySet())) {
            clientReset(stream);
        }
    }

    /** Runs (once) what was registered for {@code stream}'s reset by the client. */
    void clientReset(int stream) {
        java.util.Map<Integer, Runnable> m = onReset;
        Runnable action = m == null ? null : m.remove(stream);
        if (action != null) {
            action.run();
        }
    }

    H2FrameState(int resetsPerSecond, int maxHeaderList, long now) {
        this.resetsPerSecond = resetsPerSecond;
        this.maxHeaderList = maxHeaderList;
        this.windowStartNanos = now;
        this.lastWindowNanos = now;
    }
}
