package dev.gateway.node.websocket;

import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A WebSocket connection after its 101: the client's and the upstream's connections joined into one byte tunnel,
 * both ways, with back-pressure (a side is read only while the other side's writes drain). Frames pass as they come;
 * a {@link FrameScanner} per direction follows their headers only:
 * <ul>
 *   <li>a message larger than {@code max-message} is not forwarded: the client gets close 1009, the upstream close
 *       1009, and both connections close;</li>
 *   <li>no byte in either direction for {@code idle-timeout}: both get close 1001 and close;</li>
 *   <li>a close frame passes like any frame; when one side's connection ends, the other closes after what it was sent
 *       (with a close 1001 of the gateway's own if no close frame had come from the side that left);</li>
 *   <li>{@link #shutDown} (node drain): both get close 1001 and close.</li>
 * </ul>
 * A close frame of the gateway's own is only inserted between frames; mid-frame the connection just closes.
 * The tunnel ends once: {@link Listener#ended} is told the close code of the first close frame that passed or was
 * sent (1006 when none did). Thread-safe: the two sides' reads, the timer and a shutdown race; one lock orders them.
 */
public final class WebSocketTunnel {
    private final TunnelEnd client;
    private final TunnelEnd upstream;
    private final Direction fromClient;
    private final Direction fromUpstream;
    private final long idleNanos;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanoTime;
    private final Listener listener;
    private volatile long lastActivity;
    private ScheduledFuture<?> idleCheck;
    private boolean ended;

    /** Told when a tunnel ends. */
    public interface Listener {
        void ended(WebSocketTunnel tunnel, int closeCode);
    }

    /**
     * @param idleNanos  {@code idle-timeout}
     * @param maxMessage {@code max-message}
     * @param timer      runs the idle check
     */
    public WebSocketTunnel(TunnelEnd client, TunnelEnd upstream, long idleNanos, long maxMessage,
                           ScheduledExecutorService timer, LongSupplier nanoTime, Listener listener) {
        this.client = client;
        this.upstream = upstream;
        this.idleNanos = idleNanos;
        this.timer = timer;
        this.nanoTime = nanoTime;
        this.listener = listener;
        this.fromClient = new Direction(client, upstream, new FrameScanner(maxMessage));
        this.fromUpstream = new Direction(upstream, client, new FrameScanner(maxMessage));
    }

    /** Starts both directions and the idle timer. */
    public void start() {
        lastActivity = nanoTime.getAsLong();
        synchronized (this) {
            scheduleIdleCheck(idleNanos);
        }
        upstream.open(fromUpstream);
        client.open(fromClient);
    }

    /** Closes both sides with 1001 (the node is stopping). */
    public void shutDown() {
        closeBoth(CloseFrames.GOING_AWAY);
    }

    private void scheduleIdleCheck(long delayNanos) {
        if (ended) {
            return;
        }
        try {
            idleCheck = timer.schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            idleCheck = null; // the node is stopping: shutDown follows
        }
    }

    private void checkIdle() {
        long quiet = nanoTime.getAsLong() - lastActivity;
        if (quiet >= idleNanos) {
            closeBoth(CloseFrames.GOING_AWAY);
            return;
        }
        synchronized (this) {
            scheduleIdleCheck(idleNanos - quiet);
        }
    }

    /**
     * Sends close {@code code} to each side that has not been sent a close frame yet (and only between frames), and
     * closes both.
     */
    private void closeBoth(int code) {
        synchronized (this) {
            if (ended) {
                return;
            }
            if (mayInsertClose(fromUpstream)) {
                client.write(CloseFrames.of(code, false), () -> { });
            }
            if (mayInsertClose(fromClient)) {
                upstream.write(CloseFrames.of(code, true), () -> { });
            }
            end(code);
        }
        client.close();
        upstream.close();
    }

    /** Whether a close frame of the gateway's own may follow what {@code toSink} has passed: between frames, no close yet. */
    private static boolean mayInsertClose(Direction toSink) {
        return toSink.scanner.atFrameBoundary() && toSink.scanner.closeCode() == FrameScanner.NO_CLOSE;
    }

    /** Under the lock. */
    private void end(int fallbackCode) {
        ended = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        int code = fromClient.scanner.closeCode();
        if (code == FrameScanner.NO_CLOSE) {
            code = fromUpstream.scanner.closeCode();
        }
        if (code == FrameScanner.NO_CLOSE) {
            code = fallbackCode;
        }
        listener.ended(this, code);
    }

    /** One direction: what {@code source} reads goes to {@code sink}. */
    private final class Direction implements TunnelEnd.Reader {
        private final TunnelEnd source;
        private final TunnelEnd sink;
        private final FrameScanner scanner;

        Direction(TunnelEnd source, TunnelEnd sink, FrameScanner scanner) {
            this.source = source;
            this.sink = sink;
            this.scanner = scanner;
        }

        @Override
        public boolean onBytes(ByteBuffer bytes) {
            lastActivity = nanoTime.getAsLong();
            synchronized (WebSocketTunnel.this) {
                if (ended) {
                    return false;
                }
                int allowed = scanner.scan(bytes);
                if (!scanner.tooBig()) {
                    // read on only while the sink drains: otherwise the sink calls back once it can take more
                    return sink.write(bytes, source::resumeReading);
                }
                if (allowed > 0) {
                    ByteBuffer prefix = bytes.duplicate(); // the frames before the refused one
                    prefix.limit(prefix.position() + allowed);
                    sink.write(prefix, () -> { });
                }
            }
            closeBoth(CloseFrames.TOO_BIG);
            return false;
        }

        @Override
        public void onEnd() {
            synchronized (WebSocketTunnel.this) {
                if (ended) {
                    return;
                }
                if (mayInsertClose(this)) {
                    // the side that left said nothing: the other side hears that it went away
                    sink.write(CloseFrames.of(CloseFrames.GOING_AWAY, sink == upstream), () -> { });
                }
                end(CloseFrames.ABNORMAL);
            }
            sink.close();
            source.close();
        }
    }
}
