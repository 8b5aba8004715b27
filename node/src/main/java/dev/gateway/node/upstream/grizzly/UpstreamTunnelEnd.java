package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.websocket.TunnelEnd;
import dev.gateway.node.websocket.UpgradedBody;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpResponsePacket;

/**
 * An upstream connection after its 101 to a WebSocket upgrade, as one end of the tunnel: out of its pool for good
 * ({@link TargetPool#detach}), its bytes read raw (Grizzly's client codec passes an upgraded message's content through
 * untouched), written raw below the codec. Reading pauses from the 101 until the tunnel {@link #open opens}, so
 * bytes the upstream sends right after its 101 wait (the first of them, in the 101's own read, are kept).
 */
final class UpstreamTunnelEnd implements TunnelEnd {
    private final PooledConnection pooled;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Reader reader;
    /** Bytes that came with the 101, delivered on open; null when none. */
    private ByteBuffer early;
    private boolean paused;
    /** A resume came before the pause it answers (the write drained at once). */
    private boolean resumeFirst;
    private boolean closedBeforeOpen;

    private UpstreamTunnelEnd(PooledConnection pooled, Buffer first) {
        this.pooled = pooled;
        // copied: the read buffer is Grizzly's again once this read is handled, and the tunnel may open later
        this.early = first != null && first.hasRemaining() ? copy(first.toByteBuffer()) : null;
    }

    private static ByteBuffer copy(ByteBuffer bytes) {
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
        copy.put(bytes.duplicate()).flip();
        return copy;
    }

    /**
     * Takes over the connection when {@code content} is the 101 the WebSocket upgrade of {@code exchange} waited for:
     * completes the exchange with that 101 and an {@link UpgradedBody}.
     *
     * @return false when this is not such an answer: the exchange handles it as any other
     */
    static boolean takeOver(UpstreamExchange exchange, PooledConnection pooled, HttpContent content) {
        HttpResponsePacket response = (HttpResponsePacket) content.getHttpHeader();
        if (response.getStatus() != 101 || exchange.upgraded() == null) {
            return false;
        }
        pooled.pool.detach(pooled);
        UpstreamTunnelEnd end = new UpstreamTunnelEnd(pooled, content.getContent());
        pooled.pauseReading();
        synchronized (end) {
            end.paused = true;
        }
        pooled.tunnel = end;
        GatewayResponse switched = new GatewayResponse(101, UpstreamMessages.responseHeaders(response, true),
                new UpgradedBody(end));
        if (!exchange.future().complete(switched)) {
            end.close(); // the call was cancelled meanwhile (a hedge that lost)
        }
        return true;
    }

    @Override
    public void open(Reader newReader) {
        ByteBuffer first;
        boolean endNow;
        synchronized (this) {
            reader = newReader;
            first = early;
            early = null;
            endNow = closedBeforeOpen;
        }
        if (endNow) {
            onClosed();
            return;
        }
        if (first == null || newReader.onBytes(first)) {
            resumeReading();
        }
    }

    /** Bytes read from the upstream, on its selector thread. */
    void onContent(HttpContent content) {
        Buffer buffer = content.getContent();
        Reader r = reader;
        if (!buffer.hasRemaining() || r == null) {
            return;
        }
        if (!r.onBytes(buffer.toByteBuffer())) {
            boolean pause;
            synchronized (this) {
                pause = !resumeFirst;
                resumeFirst = false;
                paused = pause;
            }
            if (pause) {
                pooled.pauseReading();
            }
        }
    }

    @Override
    public void resumeReading() {
        synchronized (this) {
            if (!paused) {
                resumeFirst = true;
                return;
            }
            paused = false;
        }
        pooled.resumeReading();
    }

    @Override
    public boolean write(ByteBuffer bytes, Runnable writable) {
        return TunnelWrites.write(pooled.connection, bytes, writable);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pooled.close();
        }
    }

    /** The connection closed, on its selector thread. */
    void onClosed() {
        Reader r;
        synchronized (this) {
            r = reader;
            if (r == null) {
                closedBeforeOpen = true;
                return;
            }
        }
        if (ended.compareAndSet(false, true)) {
            r.onEnd();
        }
    }
}
