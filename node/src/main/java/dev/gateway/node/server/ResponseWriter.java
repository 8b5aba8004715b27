package dev.gateway.node.server;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.glassfish.grizzly.WriteHandler;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.io.OutputBuffer;
import org.glassfish.grizzly.http.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one {@link GatewayResponse} to a suspended Grizzly response and resumes it, streaming
 * the body with back-pressure: when the client's socket is full the body is paused until it
 * drains. If the body fails after the status line went out, the client connection is closed so
 * that the client sees a truncated response rather than a complete-looking one.
 *
 * <p>Nothing is held back: every chunk of the body but the last is flushed as soon as it is
 * written (Grizzly would otherwise keep small chunks until its buffer fills or the body ends),
 * so server-sent events and other slow streams reach the client as the upstream sends them. A
 * body that arrives in one piece still goes out with the head in one write. The head of a
 * {@code text/event-stream} response goes out at once, before any event, so that a client
 * knows the stream is open.
 */
final class ResponseWriter implements BodySink, WriteHandler {
    private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);

    private final Response response;
    private final OutputBuffer out;
    private final Finished onFinished;
    private final java.util.function.Consumer<org.glassfish.grizzly.Connection<?>> linger;
    private volatile Body body;
    private int status;
    private long bytes;
    private boolean finished;
    /** The client reset this HTTP/2 stream: whatever the upstream answers is dropped and its exchange aborted. */
    private volatile boolean resetByClient;
    /** The connection to close once this answer is out; null to keep it. */
    private volatile org.glassfish.grizzly.Connection<?> closeWhenDone;

    /** Told once, when the response is complete or aborted, with what went out. */
    @FunctionalInterface
    interface Finished {
        void finished(int status, long bytes);
    }

    /** @param linger ends a connection whose request body is left unread, without resetting it (see {@link #closeWhenDone}) */
    ResponseWriter(Response response, Finished onFinished,
                   java.util.function.Consumer<org.glassfish.grizzly.Connection<?>> linger) {
        this.linger = linger;
        this.response = response;
        this.out = response.getOutputBuffer();
        this.onFinished = onFinished;
    }

    /**
     * This answer ends its connection: {@code Connection: close} goes out with it, and once it is written the
     * connection lingers: what the client still sends of the request body is read and dropped until it closes its
     * side, or for at most 2 s ({@link ListenerGuard#linger}). A plain close with unread bytes would reset the
     * connection, and a client still sending could lose the answer.
     */
    void closeWhenDone() {
        if (H2Answers.streamOf(response.getRequest().getRequest()) != null) {
            return; // HTTP/2: the stream ends with its answer (Grizzly resets an unread upload), the connection stays
        }
        response.getResponse().getProcessingState().setKeepAlive(false);
        closeWhenDone = response.getRequest().getContext().getConnection(); // the request is recycled on resume
    }

    void write(GatewayResponse r) {
        status = r.status();
        response.setStatus(status);
        Headers headers = r.headers();
        String noBodyLength = null;
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (name.equalsIgnoreCase("Content-Length")) {
                noBodyLength = headers.value(i); // only present for HEAD, 204 and 304 answers
                continue;
            }
            response.addHeader(name, headers.value(i));
        }
        body = r.body();
        if (resetByClient) {
            body.discard();
            finish();
            return;
        }
        boolean trailers = body.mayHaveTrailers() && wantsTrailers(response.getRequest().getRequest());
        if (trailers) {
            Body withTrailers = body;
            response.setTrailers(() -> trailerMap(withTrailers.trailers())); // read once the body has ended
        }
        if (body.length() >= 0 && !(trailers && response.getRequest().getRequest().getProtocol() == Protocol.HTTP_1_1)) {
            long length = body.length() == 0 && noBodyLength != null ? parseOr(noBodyLength, 0) : body.length();
            response.setContentLengthLong(length);
        } else if (isEventStream(headers.get("Content-Type"))) {
            try {
                out.flush();
            } catch (IOException e) {
                abort(e);
                return;
            }
        }
        // Grizzly's OutputBuffer blocks the writing thread after a write that no canWrite() == true went before, until
        // the sink drains: the first write too. Every later write follows a canWrite() that said true (onData) or a
        // write-possible notice, so with this one no write ever blocks a selector thread (an HTTP/2 client keeping its
        // window shut would otherwise hold one for the write timeout).
        out.canWrite();
        body.subscribe(this);
    }

    @Override
    public boolean onData(ByteBuffer chunk, boolean last) {
        try {
            if (chunk.hasRemaining()) {
                bytes += chunk.remaining();
                out.writeByteBuffer(chunk);
            }
        } catch (IOException e) {
            abort(e);
            return true;
        }
        if (last) {
            finish();
            return true;
        }
        try {
            out.flush(); // a slow stream's chunk must not wait for the next one
        } catch (IOException e) {
            abort(e);
            return true;
        }
        if (out.canWrite()) {
            return true;
        }
        out.notifyCanWrite(this);
        return false;
    }

    @Override
    public void onWritePossible() {
        body.resume();
    }

    /**
     * The client reset this request's HTTP/2 stream (called on its connection's selector thread, before Grizzly's
     * codec sees the reset): an answer already streaming is discarded at once, its upstream exchange with it; one
     * not yet come is discarded when it comes ({@link #write}).
     */
    void clientReset() {
        resetByClient = true;
        Body b = body;
        if (b != null) {
            b.discard();
            finish();
        }
    }

    /** The body broke (upstream died mid-response) or the client's socket failed. */
    @Override
    public void onError(Throwable error) {
        abort(error);
    }

    private void abort(Throwable error) {
        log.debug("response aborted", error);
        org.glassfish.grizzly.Connection<?> connection = response.getRequest().getContext().getConnection();
        org.glassfish.grizzly.http2.Http2Stream stream = H2Answers.streamOf(response.getRequest().getRequest());
        if (stream != null) {
            H2Answers.reset(connection, stream); // that stream alone: the connection's other streams go on
        } else {
            connection.closeSilently();
        }
        body.discard();
        finish();
    }

    private void finish() {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
        }
        try {
            org.glassfish.grizzly.Connection<?> connection = closeWhenDone;
            response.resume();
            if (connection != null) {
                linger.accept(connection); // the client may still be sending: read and drop, then close
            }
        } finally {
            onFinished.finished(status, bytes);
        }
    }

    /**
     * Whether the client gets a body's trailers: an HTTP/2 client always, an HTTP/1.1 one when it said {@code TE:
     * trailers} (they then follow the last chunk, the body chunked even if its length is known); else they are dropped.
     */
    private static boolean wantsTrailers(org.glassfish.grizzly.http.HttpRequestPacket request) {
        if (H2Answers.streamOf(request) != null) {
            return true;
        }
        if (request.getProtocol() != Protocol.HTTP_1_1) {
            return false;
        }
        String te = request.getHeader("TE");
        return te != null && HeaderLists.has(te, "trailers", ';');
    }

    /** The trailers as Grizzly's response writes them (HTTP/2, or after an HTTP/1.1 client's last chunk). */
    private static java.util.Map<String, String> trailerMap(Headers trailers) {
        if (trailers == null) {
            return java.util.Map.of();
        }
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < trailers.size(); i++) {
            map.merge(trailers.name(i).toLowerCase(java.util.Locale.ROOT), trailers.value(i), (a, b) -> a + ", " + b);
        }
        return map;
    }

    private static boolean isEventStream(String contentType) {
        return contentType != null && contentType.trim().regionMatches(true, 0, "text/event-stream", 0, 17);
    }

    private static long parseOr(String s, long fallback) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
