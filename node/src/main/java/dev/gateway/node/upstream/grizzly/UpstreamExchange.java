package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.upstream.QueuedBody;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamClientEvents;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;

/**
 * One request/response with one upstream target: waits for a pooled connection (or opens
 * one), writes the request and streams its body, completes {@link #future} when the response
 * headers arrive, then streams the response body into an {@link UpstreamResponseBody}.
 *
 * <p>Timeouts: the connect timeout bounds opening a new connection; the response timeout bounds every
 * silence of the exchange, counted from the last sign of progress (the start, an uploaded request chunk,
 * the response head, a response body chunk); the exchange's deadline (the route's {@code timeout}) bounds
 * the whole of it, the response body included. While the response body is paused because the client reads
 * slower than the upstream sends (back-pressure), the response timeout does not run: it measures the
 * upstream's silence while the gateway is ready to read, and restarts when reading resumes; the deadline
 * keeps running. A timeout before the response head fails {@link #future} with 504; one during the body
 * cuts the body (the client connection is closed without a valid end of the message), closes the upstream
 * connection instead of pooling it, and is reported to {@link UpstreamClientEvents#bodyTimedOut}. An exchange that
 * ends while its connection is still opening (a connect timeout: 504 at that moment, as a connect failure) abandons
 * the connect: its socket is closed and its pool slot freed at once. An exchange its client abandons
 * ({@link dev.gateway.node.http.Exchange#abandon}: an HTTP/2 stream reset, or the client's connection closed) ends at
 * once the same way, whatever its state: its connection is closed, not pooled.
 *
 * <p>Events come from the connection's selector thread, the timer thread and the thread of the
 * client's request body, so every state change holds this object's monitor. One timer is armed
 * at a time, for the earliest deadline; progress only moves a deadline later, so the timer is not
 * re-armed per chunk: when it fires early it re-arms for what is left.
 */
final class UpstreamExchange implements BodySink {
    private static final int WAITING = 0;
    private static final int CONNECTING = 1;
    private static final int SENT = 2;
    private static final int STREAMING = 3;
    private static final int DONE = 4;
    private static final int MAX_STALE_RETRIES = 2;

    private final UpstreamCall call;
    private final TargetPool pool;
    private final CompletableFuture<GatewayResponse> future = new CompletableFuture<>();
    private final UpstreamClientEvents events;
    /** The exchange's one timer; used under this exchange's monitor. */
    private final ExchangeTimer timer;
    private final ReadBatch batch = new ReadBatch();
    private int state = WAITING;
    private PooledConnection connection;
    /** Abandons the connect under way for this exchange (closes its pending socket); null when none is. */
    private Runnable pendingConnect;
    private UpstreamResponseBody responseBody;
    private HttpRequestPacket packet;
    private boolean requestSent;
    private int staleRetries;
    /** The response has neither Content-Length nor chunked coding: its body ends when the connection does. */
    private boolean endsAtClose;

    UpstreamExchange(UpstreamCall call, TargetPool pool, ScheduledExecutorService timer, UpstreamClientEvents events) {
        this.call = call;
        this.pool = pool;
        this.events = events;
        this.timer = new ExchangeTimer(timer, this::onTimeout, call.exchange().deadlineNanos(),
                call.responseTimeoutNanos(), System.nanoTime());
    }

    CompletableFuture<GatewayResponse> future() {
        return future;
    }

    void start() {
        synchronized (this) {
            timer.armProgress();
        }
        // a caller that no longer wants the answer (a hedge that lost) cancels: the connection closes
        future.whenComplete((response, error) -> {
            if (error instanceof java.util.concurrent.CancellationException) {
                abort();
            }
        });
        pool.acquire(this);
        call.exchange().onAbandon(this::clientGone);
    }

    /**
     * The client gave up the exchange (reset its HTTP/2 stream, or closed its connection), before or after the
     * response head: the request ends now, its connection closed, never pooled (HTTP/1.1 has no other cancel).
     * Before the head the call ends as cancelled, which the upstream's breaker does not count.
     */
    private void clientGone() {
        future.cancel(false); // before the head: the cancel aborts (see start); after it, a no-op
        abort();
    }

    // ---- connection phase -------------------------------------------------------------------

    synchronized void onConnecting() {
        if (state == WAITING) {
            call.span().event("connect start");
            state = CONNECTING;
            timer.armConnect(System.nanoTime() + call.connectTimeoutNanos());
        }
    }

    synchronized boolean isConnecting() {
        return state == CONNECTING;
    }

    /**
     * A connect started for this exchange; {@code abandon} closes its pending socket, and is run when the exchange
     * ends before the connection opens (its connect timeout or deadline fired, or it was cancelled).
     *
     * @return false when this exchange no longer wants it (it timed out meanwhile): the caller abandons it
     */
    synchronized boolean onConnectStarted(Runnable abandon) {
        if (state != CONNECTING) {
            return false;
        }
        pendingConnect = abandon;
        return true;
    }

    /** @return false when this exchange no longer wants the connection (it timed out meanwhile) */
    boolean onConnection(PooledConnection c) {
        synchronized (this) {
            pendingConnect = null;
            if (state == DONE) {
                return false;
            }
            if (state == CONNECTING) {
                timer.armProgress();
                call.span().set("gateway.upstream.connection", "new").event("connect end");
            } else {
                call.span().set("gateway.upstream.connection", "reused");
            }
            state = SENT;
            connection = c;
            c.exchange = this;
            c.uses++;
        }
        writeRequest(c);
        return true;
    }

    void onConnectFailed(Throwable error) {
        fail(ExchangeErrors.connectFailed(error));
    }

    /** The target's host name has no address (it was never resolved): nothing was sent. */
    void onUnresolved(String host, Throwable error) {
        fail(ExchangeErrors.unresolved(host, error));
    }

    /** How long a new connection may take to open, TLS handshake included. */
    long connectTimeoutNanos() {
        return call.connectTimeoutNanos();
    }

    /** The TLS handshake of the connection opened for this exchange failed: nothing was sent. */
    void onHandshakeFailed(Throwable error) {
        fail(ExchangeErrors.handshakeFailed(error));
    }

    /** The TLS handshake of the connection opened for this exchange took longer than the connect timeout. */
    void onHandshakeTimeout() {
        fail(ExchangeErrors.handshakeTimedOut(call));
    }

    // ---- request ------------------------------------------------------------------------------

    private void writeRequest(PooledConnection c) {
        Body body = call.body();
        long length = body.length();
        HttpRequestPacket request = UpstreamMessages.request(call);
        synchronized (this) {
            packet = request;
        }
        if (body instanceof Body.FixedBody fixed) {
            synchronized (this) {
                requestSent = true;
            }
            RequestWrites.whole(c, request, fixed.bytes());
        } else {
            body.subscribe(this);
        }
    }

    /** A chunk of a streamed request body, on the client connection's thread. */
    @Override
    public boolean onData(ByteBuffer chunk, boolean last) {
        PooledConnection c;
        HttpRequestPacket request;
        synchronized (this) {
            if (state == DONE || connection == null) {
                return true;
            }
            c = connection;
            request = packet;
            if (last) {
                requestSent = true;
            }
            if (state == SENT) {
                // The response timeout counts from the last sign of progress: each uploaded
                // chunk restarts it, so a slow upload is not an upstream timeout, a stalled one is.
                timer.progress(System.nanoTime());
            }
        }
        return RequestWrites.chunk(c, request, chunk, last, () -> call.body().resume(),
                t -> fail(ExchangeErrors.writeFailed(t)));
    }

    /** The client's request body broke: the upstream must not see a truncated request as whole. */
    @Override
    public void onError(Throwable error) {
        fail(ExchangeErrors.requestBodyBroke(error));
    }

    // ---- response -----------------------------------------------------------------------------

    /**
     * One parsed piece of the response, on the upstream connection's selector thread.
     *
     * @param moreInRead the same read holds the next complete chunk: this one may wait for it ({@link ReadBatch})
     */
    void onContent(HttpContent content, boolean moreInRead) {
        UpstreamResponseBody body;
        GatewayResponse headersArrived = null;
        boolean last = content.isLast();
        PooledConnection c;
        boolean reusable = false;
        HttpRequestPacket sent = null;
        synchronized (this) {
            if (state == DONE) {
                return;
            }
            c = connection;
            if (state == SENT) {
                HttpResponsePacket response = (HttpResponsePacket) content.getHttpHeader();
                if (response.getStatus() < 200 && response.getStatus() != 101) {
                    return; // interim response (100 Continue, 103 Early Hints): wait for the real one
                }
                call.span().event("first byte");
                state = STREAMING; // the armed timer fires no later than the body's first deadline
                timer.progress(System.nanoTime());
                boolean noBody = UpstreamMessages.noBody(call, response);
                long length = noBody ? 0 : response.getContentLength();
                responseBody = new UpstreamResponseBody(this, length);
                endsAtClose = !noBody && length < 0 && !response.isChunked();
                headersArrived = new GatewayResponse(response.getStatus(), UpstreamMessages.responseHeaders(response, noBody), responseBody);
            }
            body = responseBody;
            if (!last && headersArrived == null) {
                timer.progress(System.nanoTime());
            }
            if (last) {
                state = DONE;
                timer.cancel();
                HttpResponsePacket response = (HttpResponsePacket) content.getHttpHeader();
                reusable = requestSent && response.getProcessingState().isKeepAlive();
                c.exchange = null;
                if (reusable && packet == response.getRequest()) {
                    sent = packet;
                    packet = null;
                }
            }
        }
        if (headersArrived != null && !future.complete(headersArrived)) {
            abort(); // cancelled meanwhile: nobody reads this answer
            return;
        }
        Buffer buffer = content.getContent();
        ByteBuffer chunk = batch.add(buffer.hasRemaining() ? buffer.toByteBuffer() : QueuedBody.EMPTY, moreInRead && !last);
        if (chunk != null) {
            body.push(chunk, last);
        }
        if (last) {
            if (sent != null) {
                recycle(sent, (HttpResponsePacket) content.getHttpHeader());
            }
            if (reusable) {
                pool.release(c);
            } else {
                c.close();
            }
        }
    }

    /**
     * Hands the exchange's request and response packets back to Grizzly's per-thread caches once the response has
     * ended on a connection kept for reuse: nothing refers to them any more (the response's head was copied into the
     * {@link GatewayResponse}, its body chunks are the read's own buffers, and the codec dropped the response when
     * it ended). Otherwise the codec builds both anew for every exchange: they were the largest share of the
     * gateway's allocation per request (a response packet alone is some forty objects).
     */
    private static void recycle(HttpRequestPacket request, HttpResponsePacket response) {
        request.setExpectContent(false); // Grizzly keeps a response whose request still expects content
        response.recycle();
        request.recycle();
    }

    /**
     * The connection closed under this exchange.
     *
     * @param cause why it closed when it was not the upstream's orderly close (a TLS alert, say); may be null
     */
    void onConnectionClosed(PooledConnection c, Throwable cause) {
        boolean retry = false;
        UpstreamResponseBody ended = null;
        synchronized (this) {
            if (state == DONE || connection != c) {
                return;
            }
            if (state == STREAMING && endsAtClose) {
                state = DONE; // RFC 9112 6.3: the close is the end of this body, not a failure
                timer.cancel();
                c.exchange = null;
                ended = responseBody;
            }
            if (state == SENT && c.uses > 1 && staleRetries < MAX_STALE_RETRIES && UpstreamMessages.replayable(call)) {
                // A reused keep-alive connection the upstream had closed: nothing was processed.
                staleRetries++;
                state = WAITING;
                connection = null;
                requestSent = false;
                retry = true;
            }
        }
        if (ended != null) {
            ended.push(QueuedBody.EMPTY, true);
        } else if (retry) {
            pool.acquire(this);
        } else {
            // a TLS alert says why (e.g. a TLS 1.3 upstream that wants a client certificate says so after the handshake)
            fail(ExchangeErrors.closed(cause));
        }
    }

    void onError(PooledConnection c, Throwable error) {
        synchronized (this) {
            if (connection != c) {
                return;
            }
        }
        fail(ExchangeErrors.invalidResponse(error));
    }

    /** A WebSocket upgrade's upstream switched protocols: the exchange ends, handing over its connection; else null. */
    synchronized PooledConnection upgraded() {
        if (state != SENT || !call.exchange().isWebSocket()) {
            return null;
        }
        state = DONE;
        timer.cancel();
        connection.exchange = null;
        return connection;
    }

    // ---- timeouts, failure, abort --------------------------------------------------------------

    /**
     * The timer fired: fails the exchange with the timeout that expired, or re-arms when progress moved the
     * deadline later meanwhile.
     */
    private void onTimeout() {
        GatewayException error;
        boolean midBody;
        String which;
        synchronized (this) {
            if (state == DONE) {
                return;
            }
            int fired = timer.expired(System.nanoTime(), state == CONNECTING);
            if (fired == ExchangeTimer.NONE) {
                return;
            }
            midBody = state == STREAMING;
            which = fired == ExchangeTimer.DEADLINE ? "route" : "response";
            error = ExchangeErrors.timedOut(call, fired, state == WAITING, state == CONNECTING);
        }
        if (midBody) {
            events.bodyTimedOut(call.target().upstream(), which);
        }
        end(error, midBody); // the call's failure, and so the breaker's evidence, at the timeout itself
    }

    /** The response body is not wanted (the client went away, or the pipeline replaced it). */
    void abort() {
        fail(ExchangeErrors.aborted());
    }

    /** Ends the exchange with {@code error}; the connection, if any, is closed (it is mid-message). */
    void fail(GatewayException error) {
        end(error, false);
    }

    /**
     * Ends the exchange with {@code error}, closing the connection if any.
     *
     * @param cut a response body still queued for the client is dropped and the error reaches the client's side
     *            at once, even while it is paused by back-pressure
     */
    private void end(GatewayException error, boolean cut) {
        PooledConnection c;
        int previous;
        UpstreamResponseBody body;
        Runnable abandon;
        synchronized (this) {
            if (state == DONE) {
                return;
            }
            previous = state;
            state = DONE;
            timer.cancel();
            c = connection;
            body = responseBody;
            if (c != null) {
                c.exchange = null;
            }
            abandon = pendingConnect;
            pendingConnect = null;
        }
        if (previous == WAITING) {
            pool.removeWaiter(this);
        }
        if (c != null) {
            c.close();
        }
        if (body != null && cut) {
            body.cut(error);
        } else if (body != null) {
            body.fail(error);
        } else {
            future.completeExceptionally(error);
        }
        if (previous < STREAMING && !(call.body() instanceof Body.FixedBody)) {
            call.body().discard();
        }
        if (abandon != null) {
            // Ended while connecting (connect timeout, deadline, a hedge that lost): nothing else would bound the
            // pending connect, which would hold its pool slot until the operating system gives up (minutes).
            abandon.run();
        }
    }

    void pauseReading() {
        PooledConnection c;
        synchronized (this) {
            c = connection;
            timer.pause();
        }
        if (c != null) {
            c.pauseReading();
        }
    }

    void resumeReading() {
        PooledConnection c;
        synchronized (this) {
            c = connection;
            // the upstream's silence counts from now
            if (timer.resume(System.nanoTime()) && state == STREAMING && !timer.armed()) {
                timer.armProgress();
            }
        }
        if (c != null) {
            c.resumeReading();
        }
    }
}
