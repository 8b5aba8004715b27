package dev.gateway.node.server;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.Headers;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.GatewayException;
import java.nio.ByteBuffer;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.ReadHandler;
import org.glassfish.grizzly.http.io.NIOInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>A client that sent {@code Expect: 100-continue} (HTTP/1.1, Content-Length or chunked body) gets its
 * {@code 100 Continue} when the body is first subscribed: only once authentication, rate limits and the rest of the
 * pipeline have let the request through to its upstream. A request refused before never gets one, and its body is
 * never read. (A chunked request reaches the gateway with its head alone thanks to {@link ContinueDeferringCodec}.)
 */
final class GrizzlyRequestBody implements Body, ReadHandler {
    private static final Logger log = LoggerFactory.getLogger(GrizzlyRequestBody.class);

    private final NIOInputStream input;
    private final long length;
    private final long maxBytes;
    /** Sends {@code 100 Continue}; null when the client did not ask for one (or has started its body). */
    private Continuation continuation;
    private boolean discarded;
    private BodySink sink;
    private long received;
    private boolean paused;
    private boolean done;
    /** The end of the input, reported while paused: delivered on {@link #resume()}. */
    private Buffer endWhilePaused;
    /** Reads the request's trailer fields once its body has ended; null when it cannot have any (HTTP/1.x). */
    private java.util.function.Supplier<Headers> trailerSource;
    private volatile Headers trailers;

    /** Writes the interim {@code 100 Continue} on the request's connection. */
    interface Continuation {
        void sendContinue() throws java.io.IOException;
    }

    /**
     * @param continuation sends {@code 100 Continue} when the body is first subscribed (the request has been
     *                     admitted and is being forwarded); null when no 100 is owed
     */
    GrizzlyRequestBody(NIOInputStream input, long length, long maxBytes, Continuation continuation) {
        this.input = input;
        this.length = length;
        this.maxBytes = maxBytes;
        this.continuation = continuation;
    }

    /**
     * Whether answering now, with this body not read by the pipeline, should close the connection: the client
     * still waits for a {@code 100 Continue} (its body never comes: RFC 9110 10.1.1), or more than
     * {@code maxDrain} bytes of it have not arrived yet (a chunked body whose end has not arrived counts as
     * more). Otherwise Grizzly drains what remains and the connection serves the next request.
     */
    synchronized boolean leavesTooMuchUnread(long maxDrain) {
        if (sink != null && !discarded) {
            return false; // read by the pipeline, whole or as it streams
        }
        if (continuation != null) {
            return true;
        }
        if (input.isFinished()) {
            return false;
        }
        if (length < 0) {
            return true;
        }
        return length - received - input.readyData() > maxDrain;
    }

    @Override
    public long length() {
        return length;
    }

    /** An HTTP/2 request's body: its trailers, if the client sends any, are read from {@code source} at its end. */
    GrizzlyRequestBody withTrailers(java.util.function.Supplier<Headers> source) {
        this.trailerSource = source;
        return this;
    }

    @Override
    public boolean mayHaveTrailers() {
        return trailerSource != null;
    }

    @Override
    public Headers trailers() {
        return trailers;
    }

    @Override
    public synchronized void subscribe(BodySink newSink) {
        if (sink != null) {
            throw new IllegalStateException("body already subscribed");
        }
        sink = newSink;
        Continuation owed = continuation;
        continuation = null;
        if (owed != null) {
            try {
                owed.sendContinue();
            } catch (java.io.IOException | RuntimeException e) {
                // the client gets its answer or a closed connection all the same; nothing to undo here
                log.debug("100 Continue not sent", e);
            }
        }
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
        discarded = true;
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
            if (trailerSource != null) {
                Headers t = trailerSource.get();
                trailers = t == null || t.size() == 0 ? null : t;
            }
        }
        boolean more = sink.onData(chunk, last);
        if (!more && !last) {
            paused = true;
            return false;
        }
        return !last;
    }
}
