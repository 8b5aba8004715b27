package dev.gateway.node.upstream.ahc;

import com.ning.http.client.AsyncHandler;
import com.ning.http.client.AsyncHttpClient;
import com.ning.http.client.FluentCaseInsensitiveStringsMap;
import com.ning.http.client.HttpResponseBodyPart;
import com.ning.http.client.HttpResponseHeaders;
import com.ning.http.client.HttpResponseStatus;
import com.ning.http.client.ListenableFuture;
import com.ning.http.client.Request;
import dev.gateway.config.Durations;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.upstream.QueuedBody;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamClientEvents;
import dev.gateway.node.upstream.UpstreamConnectException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.nio.NIOConnection;

/**
 * One request/response through AHC, as its {@link AsyncHandler}: completes {@link #future} with
 * a {@link GatewayResponse} when the status and headers are in, then streams the body parts into
 * an {@link AhcResponseBody}.
 *
 * <p>Timeouts: the connect timeout is the pool's (per target, from the call); the response
 * timeout bounds every silence (counted from the start, each uploaded request body chunk, the
 * headers, each body part, and not while back-pressure pauses reading), and the exchange's deadline
 * the whole exchange, body included, as in the lean client. One timer, re-armed lazily when it
 * fires before a deadline that progress moved. Failures map as the lean client's do: 502 for a
 * connect or I/O failure, 504 for a timeout, as {@link GatewayException}s; a timeout during the body
 * cuts it (the client connection is closed) and aborts the AHC request, which closes its connection.
 *
 * <p>AHC calls the handler on the thread reading the connection; the timer and the client's
 * request body call from theirs: state changes hold this object's monitor.
 */
final class AhcExchange implements AsyncHandler<Void> {
    private static final int WAITING = 0;
    private static final int STREAMING = 1;
    private static final int DONE = 2;

    private final UpstreamCall call;
    private final ScheduledExecutorService timer;
    private final UpstreamClientEvents events;
    private final long deadlineNanos;
    private long progressNanos;
    private boolean readPaused;
    private final CompletableFuture<GatewayResponse> future = new CompletableFuture<>();
    private int state = WAITING;
    private int status;
    private AhcResponseBody body;
    private ScheduledFuture<?> timeout;
    private ListenableFuture<Void> ahcFuture;
    /** A failure that came before AHC handed out its future: applied to it as soon as it exists. */
    private GatewayException pendingAbort;
    private volatile Connection<?> connection;

    AhcExchange(UpstreamCall call, ScheduledExecutorService timer, UpstreamClientEvents events) {
        this.call = call;
        this.timer = timer;
        this.events = events;
        this.deadlineNanos = call.exchange().deadlineNanos();
        this.progressNanos = System.nanoTime();
    }

    CompletableFuture<GatewayResponse> future() {
        return future;
    }

    void start(AsyncHttpClient client, Request request) {
        synchronized (this) {
            armProgress();
        }
        ListenableFuture<Void> started;
        try {
            started = client.executeRequest(request, this);
        } catch (RuntimeException e) {
            fail(new GatewayException(502, "upstream request failed", e));
            return;
        }
        GatewayException abort;
        synchronized (this) {
            ahcFuture = started;
            abort = pendingAbort;
        }
        if (abort != null) {
            started.abort(abort);
        }
    }

    /** An uploaded request body chunk: a slow upload is not an upstream timeout, a stalled one is. */
    void uploadProgress() {
        synchronized (this) {
            if (state == WAITING) {
                progressNanos = System.nanoTime(); // the armed timer re-arms from here when it fires
            }
        }
    }

    // ---- AsyncHandler ---------------------------------------------------------------------------

    @Override
    public STATE onStatusReceived(HttpResponseStatus responseStatus) {
        synchronized (this) {
            if (state != WAITING) {
                return STATE.ABORT;
            }
            status = responseStatus.getStatusCode();
        }
        connection = ReadingConnection.current();
        return STATE.CONTINUE;
    }

    @Override
    public STATE onHeadersReceived(HttpResponseHeaders responseHeaders) {
        GatewayResponse response;
        synchronized (this) {
            if (state != WAITING) {
                return STATE.ABORT;
            }
            boolean noBody = call.method().equals("HEAD") || status == 204 || status == 304;
            FluentCaseInsensitiveStringsMap fields = responseHeaders.getHeaders();
            Headers headers = new Headers(fields.size() + 4);
            long length = -1;
            for (Map.Entry<String, List<String>> field : fields) {
                String name = field.getKey();
                boolean contentLength = name.equalsIgnoreCase("Content-Length");
                if (contentLength && !field.getValue().isEmpty()) {
                    length = parseLength(field.getValue().get(0));
                }
                if (name.equalsIgnoreCase("Transfer-Encoding") || (!noBody && contentLength)) {
                    continue;
                }
                for (String value : field.getValue()) {
                    headers.add(name, value);
                }
            }
            state = STREAMING; // the armed timer fires no later than the body's first deadline
            progressNanos = System.nanoTime();
            body = new AhcResponseBody(this, noBody ? 0 : length);
            response = new GatewayResponse(status, headers, body);
        }
        future.complete(response);
        return STATE.CONTINUE;
    }

    @Override
    public STATE onBodyPartReceived(HttpResponseBodyPart part) {
        AhcResponseBody b;
        synchronized (this) {
            if (state != STREAMING) {
                return STATE.ABORT;
            }
            b = body;
            progressNanos = System.nanoTime();
        }
        boolean last = part.isLast();
        if (part.length() > 0 || last) {
            // AHC's part views Grizzly's read buffer, which is reused: the library copies it out.
            b.push(part.length() > 0 ? ByteBuffer.wrap(part.getBodyPartBytes()) : QueuedBody.EMPTY, last);
        }
        return STATE.CONTINUE;
    }

    @Override
    public Void onCompleted() {
        AhcResponseBody b;
        synchronized (this) {
            if (state != STREAMING) {
                return null;
            }
            state = DONE;
            cancelTimer();
            b = body;
        }
        b.complete();
        return null;
    }

    @Override
    public void onThrowable(Throwable t) {
        fail(map(t));
    }

    // ---- failure, abort, reading ----------------------------------------------------------------

    /** The response body is not wanted (the client went away, or the pipeline replaced it). */
    void abort() {
        fail(new GatewayException(502, "response aborted"));
    }

    void fail(GatewayException error) {
        end(error, false);
    }

    /** @param cut the body was cut by a timeout: the client hears of it now, even while paused */
    private void end(GatewayException error, boolean cut) {
        int previous;
        AhcResponseBody b;
        ListenableFuture<Void> f;
        synchronized (this) {
            if (state == DONE) {
                return;
            }
            previous = state;
            state = DONE;
            cancelTimer();
            b = body;
            f = ahcFuture;
            if (f == null) {
                pendingAbort = error;
            }
        }
        if (b != null && cut) {
            b.cut(error);
        } else if (b != null) {
            b.fail(error);
        } else {
            future.completeExceptionally(error);
        }
        if (previous == WAITING && !(call.body() instanceof Body.FixedBody)) {
            call.body().discard();
        }
        if (f != null && !f.isDone()) {
            f.abort(error); // closes the connection: it is mid-message
        }
    }

    void pauseReading() {
        synchronized (this) {
            readPaused = true;
        }
        toggleRead(false);
    }

    void resumeReading() {
        synchronized (this) {
            if (readPaused) {
                readPaused = false;
                progressNanos = System.nanoTime(); // the upstream's silence counts from now
                if (state == STREAMING && timeout == null) {
                    armProgress();
                }
            }
        }
        toggleRead(true);
    }

    private void toggleRead(boolean enable) {
        if (connection instanceof NIOConnection nio && nio.isOpen()) {
            try {
                if (enable) {
                    nio.enableIOEvent(IOEvent.READ);
                } else {
                    nio.disableIOEvent(IOEvent.READ);
                }
            } catch (IOException e) {
                nio.closeSilently();
            }
        }
    }

    private GatewayException map(Throwable t) {
        Throwable cause = t;
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            if (cause instanceof GatewayException g) {
                return g;
            }
            if (cause instanceof ConnectException) {
                // the pool reports its connect timeout as a ConnectException("Connect timeout")
                return String.valueOf(cause.getMessage()).contains("timeout")
                        ? new UpstreamConnectException(504, "connect timeout "
                                + Durations.format(Duration.ofNanos(call.connectTimeoutNanos())), t)
                        : new UpstreamConnectException(502, "upstream connect failed", t);
            }
            if (cause instanceof TimeoutException) {
                return new GatewayException(504, "no upstream connection became available in time", t);
            }
        }
        boolean headersIn;
        synchronized (this) {
            headersIn = state != WAITING;
        }
        return headersIn ? new GatewayException(502, "upstream closed the connection", t)
                : new GatewayException(502, "upstream failed before answering", t);
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Arms the timer for the earlier of the deadline and the end of the current response timeout. Holds the monitor. */
    private void armProgress() {
        cancelTimer();
        long response = readPaused ? Long.MAX_VALUE : progressNanos + call.responseTimeoutNanos();
        long deadline = Math.min(deadlineNanos, response);
        if (deadline != Long.MAX_VALUE) {
            timeout = timer.schedule(this::onTimeout, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    private void cancelTimer() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void onTimeout() {
        GatewayException error;
        boolean midBody;
        boolean route;
        synchronized (this) {
            if (state == DONE) {
                return;
            }
            long now = System.nanoTime();
            route = deadlineNanos != Long.MAX_VALUE && now - deadlineNanos >= 0;
            if (!route && (readPaused || now - (progressNanos + call.responseTimeoutNanos()) < 0)) {
                armProgress(); // progress since the timer was armed
                return;
            }
            midBody = state == STREAMING;
            error = new GatewayException(504, route ? call.exchange().deadlineName()
                    : "upstream response timeout " + Durations.format(Duration.ofNanos(call.responseTimeoutNanos())));
        }
        if (midBody) {
            events.bodyTimedOut(call.target().upstream(), route ? "route" : "response");
        }
        end(error, midBody);
    }
}
