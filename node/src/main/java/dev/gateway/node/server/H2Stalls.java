package dev.gateway.node.server;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.http2.Http2Session;
import org.glassfish.grizzly.http2.Http2Stream;
import org.glassfish.grizzly.nio.NIOConnection;
import org.glassfish.grizzly.nio.NIOTransport;

/**
 * The guard's answers on an HTTP/2 connection, and the "window that never opens": a client that lets a response
 * wait on a closed flow-control window (its stream's or the connection's) and sends no WINDOW_UPDATE nor SETTINGS
 * for {@code idle-timeout} is holding the response, its upstream connection and its buffers for nothing; the
 * guard's sweep (a timer thread) closes it at once (no GOAWAY: it would wait behind the frames the client does not
 * read).
 *
 * <p>The sweep reads Grizzly's session from the timer thread: window sizes and queued-write counts are plain
 * fields there, so a stale value only delays the verdict to the next sweep.
 */
final class H2Stalls {
    private H2Stalls() {
    }

    /** True when the connection's client has left a response stalled on a closed window for {@code timeoutNanos}. */
    static boolean stalled(Connection<?> c, H2FrameState s, long now, long timeoutNanos) {
        if (now - s.lastWindowNanos <= timeoutNanos) {
            return false;
        }
        Http2Session session = Http2Session.get(c);
        if (session == null) {
            return false;
        }
        try {
            boolean connectionClosed = session.getAvailablePeerConnectionWindowSize() <= 0;
            int last = s.lastStreamId;
            int lowest = Math.max(1, last - 4 * s.resetsPerSecond);
            for (int id = last; id >= lowest; id -= 2) {
                Http2Stream stream = session.getStream(id);
                if (stream != null && stream.getUnflushedWritesCount() > 0
                        && (connectionClosed || stream.getPeerWindowSize() <= 0)) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            return false; // the session changed under the sweep: judged again at the next one
        }
        return false;
    }

    /**
     * Ends the connection at once, without a GOAWAY: the client is not reading, and a frame queued behind its closed
     * window would hold the timer thread that writes it.
     */
    static void terminate(Connection<?> c) {
        // on the connection's own selector thread: the close reaches its streams' writers, which must not run on the
        // timer thread beside the selector thread that serves them
        if (c instanceof NIOConnection n && n.getTransport() instanceof NIOTransport t && n.getSelectorRunner() != null) {
            t.getSelectorHandler().enque(n.getSelectorRunner(), () -> {
                c.terminateSilently();
                return true;
            }, null);
        } else {
            c.terminateSilently();
        }
    }
}
