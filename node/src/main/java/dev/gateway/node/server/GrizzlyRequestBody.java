package dev.gateway.node.server;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.GatewayException;
import java.nio.ByteBuffer;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.ReadHandler;
import org.glassfish.grizzly.http.io.NIOInputStream;

/**
 * A client's request body, read as it arrives (never whole) through Grizzly's non-blocking
 * input. A body over {@code maxBytes}, chunked or not, fails with 413 as soon as it crosses
 * the limit; a client that disconnects mid-body fails it with 400.
 *
 * <p>A paused body delivers nothing until resumed, its end included: Grizzly may report the end of
 * the input while the sink has asked for a pause, and that end waits for {@link #resume()}. A body
 * of known length ends with the chunk that completes it (its {@code last} set), whether or not
 * Grizzly's own end signal follows: sinks that finish a request on {@code last} (and release a
 * pooled upstream connection then) must not depend on that signal.
 */
final class GrizzlyRequestBody implements Body, ReadHandler {
    private final NIOInputStream input;
    private final long length;
    private final long maxBytes;
    private BodySink sink;
    private long received;
    private boolean paused;
    private boolean done;
    /** The end of the input, reported while paused: delivered on {@link #resume()}. */
    private Buffer endWhilePaused;

    GrizzlyRequestBody(NIOInputStream input, long length, long maxBytes) {
        this.input = input;
        this.length = length;
        this.maxBytes = maxBytes;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public synchronized void subscribe(BodySink newSink) {
        if (sink != null) {
            throw new IllegalStateException("body already subscribed");
        }
        sink = newSink;
        input.notifyAvailable(this);
    }

    @Override
    public synchronized void resume() {
        if (paused && !done) {
            paused = false;
            Buffer end = endWhilePaused;
            endWhilePaused = null;
            if (end != null) {
                deliver(end, true);
            } else {
                input.notifyAvailable(this);
            }
        }
    }

    @Override
    public synchronized void discard() {
        done = true; // Grizzly skips what remains of the body before the next request.
    }

    @Override
    public synchronized void onDataAvailable() {
        if (done) {
            return;
        }
        if (deliver(input.readBuffer(), false)) {
            input.notifyAvailable(this);
        }
    }

    @Override
    public synchronized void onAllDataRead() {
        if (done) {
            return;
        }
        if (paused) {
            endWhilePaused = input.readBuffer();
            return;
        }
        deliver(input.readBuffer(), true);
    }

    @Override
    public synchronized void onError(Throwable t) {
        if (!done) {
            done = true;
            sink.onError(new GatewayException(400, "request body incomplete", t));
        }
    }

    /** @return whether to keep reading now */
    private boolean deliver(Buffer buffer, boolean last) {
        int n = buffer.remaining();
        received += n;
        if (received > maxBytes) {
            done = true;
            sink.onError(new GatewayException(413, "request body larger than " + maxBytes + " bytes"));
            return false;
        }
        ByteBuffer chunk = buffer.toByteBuffer();
        if (length >= 0 && received >= length) {
            last = true; // the declared length is complete: nothing but an empty end can follow
        }
        if (last) {
            done = true;
        }
        boolean more = sink.onData(chunk, last);
        if (!more && !last) {
            paused = true;
            return false;
        }
        return !last;
    }
}
