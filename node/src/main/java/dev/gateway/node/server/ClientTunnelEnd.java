package dev.gateway.node.server;

import dev.gateway.node.http.Headers;
import dev.gateway.node.upstream.grizzly.TunnelWrites;
import dev.gateway.node.websocket.TunnelEnd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.ReadHandler;
import org.glassfish.grizzly.http.io.NIOInputStream;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.HttpStatus;

/**
 * The client's connection after the gateway's 101, as one end of a WebSocket tunnel. Its request stays suspended for
 * the tunnel's life: Grizzly's codec passes what follows an upgrade request's head as that request's content, raw,
 * so it is read through the request's non-blocking input ({@link ReadHandler}: not asking for more is what pauses
 * the socket); bytes go out raw below the codec. {@link #close} lingers: what was written goes out, what the client
 * still sends is read and dropped until it closes its side or {@link #LINGER_MILLIS} pass (a close with its bytes
 * unread would reset the connection and could destroy the close frame on its way); then the request ends (Grizzly
 * closes an upgraded connection after it) and the connection closes.
 */
final class ClientTunnelEnd implements TunnelEnd, ReadHandler {
    static final long LINGER_MILLIS = 2_000;
    private final Response response;
    private final java.util.concurrent.ScheduledExecutorService timer;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Connection<?> connection;
    private final NIOInputStream input;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Reader reader;
    private boolean paused;
    /** A resume came before the pause it answers (the write drained at once). */
    private boolean resumeFirst;

    ClientTunnelEnd(Request request, Response response, java.util.concurrent.ScheduledExecutorService timer) {
        this.response = response;
        this.timer = timer;
        this.connection = request.getContext().getConnection();
        this.input = request.getNIOInputStream();
    }

    /**
     * Writes the 101 head: the upstream's fields (its own hop-by-hop ones are gone) with {@code Upgrade: websocket} and
     * {@code Connection: Upgrade}; no framing fields, nothing after it but the tunnel's bytes.
     */
    static void switchProtocols(Response response, Headers headers) throws IOException {
        response.setStatus(HttpStatus.SWITCHING_PROTOCOLS_101);
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")) {
                response.addHeader(name, headers.value(i));
            }
        }
        response.setHeader("Upgrade", "websocket");
        response.setHeader("Connection", "Upgrade");
        response.getOutputBuffer().flush();
    }

    @Override
    public void open(Reader newReader) {
        reader = newReader;
        connection.addCloseListener((c, type) -> {
            end();
            finish();
        });
        input.notifyAvailable(this);
    }

    @Override
    public void onDataAvailable() {
        Buffer buffer = input.readBuffer();
        if (closed.get()) {
            buffer.tryDispose(); // lingering: dropped
            input.notifyAvailable(this);
            return;
        }
        if (!buffer.hasRemaining() || reader.onBytes(buffer.toByteBuffer())) {
            input.notifyAvailable(this);
            return;
        }
        if (closed.get()) {
            input.notifyAvailable(this); // the tunnel closed this side meanwhile: linger
            return;
        }
        synchronized (this) {
            if (!resumeFirst) {
                paused = true;
                return;
            }
            resumeFirst = false;
        }
        input.notifyAvailable(this);
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
        input.notifyAvailable(this);
    }

    @Override
    public void onAllDataRead() {
        Buffer rest = input.readBuffer();
        if (rest.hasRemaining() && !closed.get()) {
            reader.onBytes(rest.toByteBuffer());
        }
        end();
        finish();
    }

    @Override
    public void onError(Throwable t) {
        end();
        finish();
    }

    @Override
    public boolean write(ByteBuffer bytes, Runnable writable) {
        return TunnelWrites.write(connection, bytes, writable);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean wasPaused;
        synchronized (this) {
            wasPaused = paused;
            paused = false;
        }
        if (wasPaused) {
            input.notifyAvailable(this); // read (and drop) until the client closes
        }
        try {
            timer.schedule(this::finish, LINGER_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            finish();
        }
    }

    /** Ends the request (Grizzly closes an upgraded connection after it) and the connection. */
    private void finish() {
        if (finished.compareAndSet(false, true)) {
            try {
                response.resume();
            } catch (RuntimeException e) {
                // the connection is gone already
            }
            connection.closeSilently();
        }
    }

    private void end() {
        Reader r = reader;
        if (r != null && ended.compareAndSet(false, true)) {
            r.onEnd();
        }
    }
}
