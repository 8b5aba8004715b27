package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.grpc.GrpcTimeout;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamConnectException;
import dev.gateway.node.upstream.UpstreamTarget;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpBrokenContent;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpTrailer;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.util.MimeHeaders;
import org.glassfish.grizzly.http2.Http2Stream;
import org.glassfish.grizzly.memory.Buffers;

/**
 * One request to an HTTP/2 upstream: one stream on a connection of its {@link H2Target}. The request body streams
 * as DATA frames, one write in flight at a time (the next chunk is asked for when the last one left, inside the
 * stream's flow-control window); the response body streams back through an {@link H2ResponseBody}, whose back-pressure
 * holds the stream's input (and so its WINDOW_UPDATEs). Trailers of the response (gRPC's {@code grpc-status}) are
 * kept on its body. The response timeout bounds the wait for the response head; the exchange's deadline bounds the
 * whole, body included: a long gRPC stream is not cut for being quiet. Failing or abandoning the exchange resets its
 * stream (RST_STREAM CANCEL); the connection and its other streams go on. A {@code grpc-timeout} goes to the upstream
 * as what is left of the exchange's deadline; a deadline spent before the request could go out fails it (504) unsent.
 */
final class H2Exchange implements BodySink {
    static final String ATTRIBUTE = "dev.gateway.upstream.h2.exchange";
    private static final int RST_CANCEL = 0x8;

    private final UpstreamCall call;
    private final H2Target target;
    private final ScheduledExecutorService timer;
    private final CompletableFuture<GatewayResponse> future = new CompletableFuture<>();
    private H2Target.Live live;
    private HttpRequestPacket request;
    private H2ResponseBody body;
    private ScheduledFuture<?> timeout;
    /** 0 connecting, 1 waiting for the head, 2 streaming the response, 3 over. */
    private int state;
    private boolean requestDone;

    H2Exchange(UpstreamCall call, H2Target target, ScheduledExecutorService timer) {
        this.call = call;
        this.target = target;
        this.timer = timer;
    }

    CompletableFuture<GatewayResponse> future() {
        return future;
    }

    void start() {
        long now = System.nanoTime();
        if (left(now) == 0) {
            synchronized (this) {
                state = 3;
            }
            future.completeExceptionally(spent());
            return;
        }
        arm(Math.min(now + call.connectTimeoutNanos(), call.exchange().deadlineNanos()));
        call.exchange().onAbandon(this::clientGone);
        target.acquire(call).whenComplete((l, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : error;
                fail(cause instanceof H2Target.UnresolvedHost u ? ExchangeErrors.unresolved(u.host, u.getCause())
                        : cause instanceof H2Target.NotH2 n ? ExchangeErrors.notH2(n)
                        : TlsChain.isTls(cause) ? ExchangeErrors.handshakeFailed(cause)
                        : ExchangeErrors.connectFailed(cause));
                return;
            }
            send(l);
        });
    }

    private void send(H2Target.Live l) {
        synchronized (this) {
            if (state != 0) {
                target.release(l); // timed out while connecting: the connection serves others
                return;
            }
            live = l;
            l.exchanges.add(this);
            state = 1;
            arm(Math.min(System.nanoTime() + call.responseTimeoutNanos(), call.exchange().deadlineNanos()));
        }
        long left = left(System.nanoTime());
        if (left == 0) {
            fail(spent()); // spent while connecting: nothing goes out
            return;
        }
        request = requestPacket(left);
        request.setAttribute(ATTRIBUTE, this);
        Body requestBody = call.body();
        if (requestBody.isEmpty()) {
            requestDone = true;
            write(HttpContent.builder(request).content(Buffers.EMPTY_BUFFER).last(true).build(), null);
            return;
        }
        if (requestBody.length() >= 0) {
            request.setContentLengthLong(requestBody.length());
        }
        write(request, null);
        requestBody.subscribe(this);
    }

    /** What is left of the exchange's deadline at {@code now}: 0 when it is spent, -1 when there is none. */
    private long left(long now) {
        long deadline = call.exchange().deadlineNanos();
        return deadline == Long.MAX_VALUE ? -1 : Math.max(0, deadline - now);
    }

    /** The deadline was spent before the request went out: 504 (gRPC's DEADLINE_EXCEEDED), the upstream not called. */
    private GatewayException spent() {
        return ExchangeErrors.timedOut(call, ExchangeTimer.DEADLINE, false, false);
    }

    /** @param left what is left of the deadline (-1: none), sent as {@code grpc-timeout} in place of the client's */
    private HttpRequestPacket requestPacket(long left) {
        String pathAndQuery = call.pathAndQuery();
        int q = pathAndQuery.indexOf('?');
        HttpRequestPacket.Builder b = HttpRequestPacket.builder()
                .method(call.method())
                .uri(q < 0 ? pathAndQuery : pathAndQuery.substring(0, q))
                .protocol(Protocol.HTTP_2_0);
        if (q >= 0) {
            b.query(pathAndQuery.substring(q + 1));
        }
        HttpRequestPacket packet = b.build();
        packet.setConnection(live.connection);
        MimeHeaders mime = packet.getHeaders();
        Headers headers = call.headers();
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (name.equalsIgnoreCase("Content-Length")) {
                continue;
            }
            boolean timeout = left > 0 && name.equalsIgnoreCase("grpc-timeout");
            mime.addValue(name).setString(timeout ? GrpcTimeout.format(left) : headers.value(i));
        }
        // Host becomes :authority (Grizzly's encoder reads it); marked as written so that no host field goes too
        for (int i = 0; i < mime.size(); i++) {
            if (mime.getName(i).equalsIgnoreCase("Host")) {
                mime.setSerialized(i, true);
            }
        }
        return packet;
    }

    // ----- request body: one DATA write in flight at a time

    @Override
    public boolean onData(ByteBuffer chunk, boolean last) {
        if (last) {
            requestDone = true;
        }
        Buffer buffer = chunk.hasRemaining() ? Buffers.wrap(live.connection.getMemoryManager(), chunk) : Buffers.EMPTY_BUFFER;
        if (last) {
            Headers trailers = call.body().mayHaveTrailers() ? call.body().trailers() : null;
            if (trailers != null && trailers.size() > 0) {
                HttpTrailer.Builder t = request.httpTrailerBuilder().content(buffer).last(true);
                for (int i = 0; i < trailers.size(); i++) {
                    t.header(trailers.name(i), trailers.value(i));
                }
                write(t.build(), null); // DATA, then the trailers' HEADERS ending the stream
            } else {
                write(HttpContent.builder(request).content(buffer).last(true).build(), null);
            }
            return true;
        }
        // the write may complete before it returns (window open): then go on at once, else resume when it has
        java.util.concurrent.atomic.AtomicInteger step = new java.util.concurrent.atomic.AtomicInteger(WRITING);
        write(HttpContent.builder(request).content(buffer).last(false).build(), () -> {
            if (!step.compareAndSet(WRITING, WRITTEN_INLINE)) {
                call.body().resume();
            }
        });
        return !step.compareAndSet(WRITING, PAUSED);
    }

    private static final int WRITING = 0;
    private static final int WRITTEN_INLINE = 1;
    private static final int PAUSED = 2;

    @Override
    public void onError(Throwable error) {
        fail(ExchangeErrors.requestBodyBroke(error));
    }

    private void write(Object message, Runnable written) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Connection<Object> c = (Connection) live.connection;
        c.write(message, new EmptyCompletionHandler<WriteResult<Object, Object>>() {
            @Override
            public void completed(WriteResult<Object, Object> result) {
                if (written != null) {
                    written.run();
                }
            }

            @Override
            public void failed(Throwable error) {
                fail(ExchangeErrors.writeFailed(error));
            }
        });
    }

    // ----- response, on the connection's selector thread (H2StreamFilter)

    NextAction onContent(FilterChainContext ctx, HttpContent content) {
        if (HttpBrokenContent.isBroken(content)) {
            fail(ExchangeErrors.closed(((HttpBrokenContent) content).getException()));
            return ctx.getStopAction();
        }
        H2ResponseBody b;
        synchronized (this) {
            if (state == 3) {
                content.recycle();
                return ctx.getStopAction();
            }
            b = body;
        }
        if (b == null) {
            b = onHead((HttpResponsePacket) content.getHttpHeader(), content);
            if (b == null) {
                return ctx.getStopAction(); // trailers-only, or an interim answer
            }
        }
        if (HttpTrailer.isTrailer(content)) {
            b.trailers(trailersOf((HttpTrailer) content));
        }
        Buffer data = content.getContent();
        ByteBuffer copy = QueuedBodyCopy.of(data);
        boolean last = content.isLast();
        if (last) {
            finished();
        }
        return b.push(ctx, copy, last);
    }

    /** The response head: completes the future; null when nothing more will come (no body, or a 1xx). */
    private H2ResponseBody onHead(HttpResponsePacket response, HttpContent first) {
        int status = response.getStatus();
        if (status < 200) {
            return null; // an interim answer (100): the final one follows on the same stream
        }
        call.span().event("first byte"); // connects are shared by the streams: not marked per call
        Headers headers = new Headers(response.getHeaders().size() + 2);
        MimeHeaders mime = response.getHeaders();
        for (int i = 0; i < mime.size(); i++) {
            headers.add(mime.getName(i).toString(), mime.getValue(i).toString());
        }
        boolean ended = first.isLast() && !first.getContent().hasRemaining();
        long length = ended ? 0 : response.getContentLength();
        H2ResponseBody b = ended ? null : new H2ResponseBody(length, this, timer);
        synchronized (this) {
            body = b;
            state = ended ? 3 : 2;
            arm(call.exchange().deadlineNanos());
        }
        if (ended) {
            finished();
        }
        future.complete(new GatewayResponse(status, headers, ended ? Body.empty() : b));
        return b;
    }

    private static Headers trailersOf(HttpTrailer trailer) {
        MimeHeaders mime = trailer.getHeaders();
        Headers h = new Headers(mime.size());
        for (int i = 0; i < mime.size(); i++) {
            h.add(mime.getName(i).toString(), mime.getValue(i).toString());
        }
        return h;
    }

    /** The response is complete: the stream's slot goes back. */
    private void finished() {
        synchronized (this) {
            state = 3;
            cancelTimer();
        }
        release();
    }

    private boolean released;

    private void release() {
        H2Target.Live l;
        synchronized (this) {
            if (released || live == null) {
                return;
            }
            released = true;
            l = live;
        }
        l.exchanges.remove(this);
        target.release(l);
    }

    // ----- failures, timeouts, abandonment

    /** The stream's id, 0 before its HEADERS went out. */
    int streamId() {
        HttpRequestPacket r = request;
        Http2Stream stream = r == null ? null : Http2Stream.getStreamFor(r);
        return stream == null ? 0 : stream.getId();
    }

    /** The upstream reset the stream with an error code ({@link H2ResetWatch}). */
    void peerReset() {
        fail(new GatewayException(502, "upstream reset the stream"));
    }

    /** The connection closed under the exchange. */
    void connectionClosed() {
        fail(ExchangeErrors.closed(null));
    }

    /**
     * The client reset its stream to the gateway: the upstream stream is reset, before or after the response head;
     * before it, the exchange ends as cancelled (not the upstream's failure: breakers do not count it).
     */
    private void clientGone() {
        fail(new java.util.concurrent.CancellationException("the client reset its stream"));
    }

    /** The response body is not wanted any more (the client went away): the stream is reset. */
    void abandon() {
        fail(ExchangeErrors.aborted());
    }

    private void fail(RuntimeException error) {
        H2ResponseBody b;
        boolean wasSent;
        synchronized (this) {
            if (state == 3) {
                return;
            }
            wasSent = state > 0;
            state = 3;
            cancelTimer();
            b = body;
        }
        if (b == null) {
            RuntimeException e = wasSent || !(error instanceof GatewayException g) || error instanceof UpstreamConnectException
                    ? error : new UpstreamConnectException(g.status(), g.getMessage(), g.getCause());
            future.completeExceptionally(e);
        } else {
            b.cut(error);
        }
        if (!requestDone) {
            call.body().discard();
        }
        reset();
        release();
    }

    /** RST_STREAM CANCEL for this exchange's stream, when it has one that is still open. */
    private void reset() {
        HttpRequestPacket r = request;
        Http2Stream stream = r == null ? null : Http2Stream.getStreamFor(r);
        if (stream == null) {
            return;
        }
        boolean open = stream.isOpen();
        stream.terminateSilently();
        if (open) {
            H2Frames.rstStream(live.connection, stream.getId(), RST_CANCEL);
        }
    }

    private void arm(long deadlineNanos) {
        cancelTimer();
        if (deadlineNanos == Long.MAX_VALUE) {
            return;
        }
        timeout = timer.schedule(this::onTimeout, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void onTimeout() {
        int s;
        synchronized (this) {
            s = state;
        }
        if (s == 3) {
            return;
        }
        boolean deadline = System.nanoTime() - call.exchange().deadlineNanos() >= 0;
        int fired = deadline ? ExchangeTimer.DEADLINE : s == 0 ? ExchangeTimer.CONNECT : ExchangeTimer.RESPONSE;
        fail(ExchangeErrors.timedOut(call, fired, false, s == 0));
    }

    @Override
    public String toString() {
        UpstreamTarget t = call.target();
        return "h2 " + call.method() + " " + t + call.pathAndQuery();
    }
}
