package dev.gateway.node.server;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.nio.NIOConnection;
import org.glassfish.grizzly.nio.NIOTransport;
import org.glassfish.grizzly.utils.DelayedExecutor;
import org.glassfish.grizzly.utils.IdleTimeoutFilter;

/**
 * An HTTP/2 connection left idle is closed politely: Grizzly's {@link IdleTimeoutFilter} (the listener's
 * {@code idle-timeout}) closes any connection that has had no read nor write for that long, HTTP/2 or not, without
 * a word. The guard's sweep reads when that filter means to close a connection (its resolver's deadline, in
 * {@link System#currentTimeMillis()}, set only while no read or write is under way) and, when that deadline falls
 * before the next sweep and no answer is in progress on the connection, sends GOAWAY NO_ERROR naming the last stream
 * the client opened, then closes it once the frame is written. So the connection ends up to one sweep period
 * ({@link ListenerGuard#SWEEP_MILLIS}) before Grizzly would have closed it. A connection with an answer still in
 * progress (a stream waiting on a slow upstream, a window the client keeps shut) is left to Grizzly and to
 * {@link H2Stalls}: a GOAWAY NO_ERROR there would promise answers the close then breaks.
 */
final class H2IdleGoAway {
    private final DelayedExecutor.Resolver<Connection> deadlines;

    private H2IdleGoAway(DelayedExecutor.Resolver<Connection> deadlines) {
        this.deadlines = deadlines;
    }

    /** The judge for a filter chain holding {@code idle}; null when there is none (no idle timeout to announce). */
    static H2IdleGoAway of(IdleTimeoutFilter idle) {
        return idle == null ? null : new H2IdleGoAway(idle.getResolver());
    }

    /**
     * Called by the sweep for an HTTP/2 connection: sends GOAWAY NO_ERROR and closes it when Grizzly is about to close
     * it for idleness, within {@code withinMillis} of {@code nowMillis}.
     *
     * @return true when it did
     */
    boolean sweep(Connection<?> c, H2FrameState s, long nowMillis, long withinMillis) {
        if (s.goingAway || s.answering()) {
            return false;
        }
        long deadline;
        try {
            deadline = deadlines.getTimeoutMillis(c);
        } catch (RuntimeException e) {
            return false; // not (or no longer) followed by the idle filter
        }
        if (deadline == 0 || deadline >= IdleTimeoutFilter.FOREVER_SPECIAL || deadline - nowMillis > withinMillis) {
            return false; // closed, busy (a read or write under way), or not due yet
        }
        s.goingAway = true;
        int last = s.lastStreamId;
        // on the connection's own selector thread, as every other write of the connection's frames
        if (c instanceof NIOConnection n && n.getTransport() instanceof NIOTransport t && n.getSelectorRunner() != null) {
            t.getSelectorHandler().enque(n.getSelectorRunner(), () -> {
                H2Answers.goAwayIdle(c, last);
                return true;
            }, null);
        } else {
            H2Answers.goAwayIdle(c, last);
        }
        return true;
    }
}
