package dev.gateway.node.server;

import dev.gateway.config.Http2Settings;
import dev.gateway.config.ListenerLimits;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.utils.IdleTimeoutFilter;

/**
 * The proxy listener's limits below HTTP parsing, so that abusive connections cost little:
 * <ul>
 *   <li>more than {@code max-connections} open client connections: 503 and close at accept;</li>
 *   <li>a request head over {@code max-header-bytes}: 431 and close, before it is parsed;</li>
 *   <li>a head not complete within {@code header-timeout} of its first byte (or of the connect):
 *       408 and close, found by a sweep every {@link #SWEEP_MILLIS} ms (slowloris);</li>
 *   <li>a malformed request line, obsolete line folding or ambiguous framing: 400 and close
 *       (see {@link HeadScanner}), so that such a request is never forwarded; a transfer coding
 *       before chunked: 501 and close;</li>
 *   <li>a Host header missing (HTTP/1.1), repeated, invalid or disagreeing with an absolute-form target, and a
 *       control character in a header value: 400 and close (metric reasons {@code bad-host}, {@code malformed}).</li>
 * </ul>
 * With {@code node.http2} a connection may turn to HTTP/2 (its client preface, at the start, after
 * {@code Upgrade: h2c} or after ALPN): a connection that opens with the preface has its first bytes held back until
 * the preface and its first frame are whole ({@link H2PrefaceHold}), then its frames are {@link H2FrameScanner}'s to
 * judge, floods end it
 * with GOAWAY (reasons {@code h2-rapid-reset}, {@code h2-continuation-flood}, {@code h2-header-list},
 * {@code h2-settings-flood}, {@code h2-ping-flood}), and the sweep ends one whose client has left a response
 * waiting on a closed flow-control window for {@code idle-timeout} ({@link H2Stalls}, reason {@code h2-stalled}), and
 * tells one left idle GOAWAY NO_ERROR just before Grizzly's idle timeout would close it ({@link H2IdleGoAway}).
 * Once refused, a connection's further bytes are dropped until it closes. A connection that carries a WebSocket
 * tunnel ({@link #tunnel}) is judged no more: its bytes are frames.
 * One filter before the HTTP codec follows every request on the connection through the raw
 * bytes ({@link HeadScanner}): each head and where its body ends, pipelined or not.
 * Idle keep-alive connections are Grizzly's keep-alive timeout's. With
 * {@code node.client-address.proxy-protocol}, {@link ProxyProtocolFilter} sits below this guard
 * (and below TLS) and has consumed the PROXY header before any byte reaches it; the header
 * timeout, which runs from the connect, covers that header too.
 */
final class ListenerGuard implements AddOn {
    static final long SWEEP_MILLIS = 250;
    /** How long a connection ended by an early answer keeps reading (and dropping) what the client sends. */
    static final long LINGER_MILLIS = 2_000;

    private final ListenerLimits limits;
    private final Http2Settings http2;
    private final Consumer<String> rejected;
    private final Attribute<HeadState> state;
    private final Set<Connection<?>> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    /** Announces the idle close of HTTP/2 connections (GOAWAY NO_ERROR); set up with the first listener. */
    private volatile H2IdleGoAway idleGoAway;

    /**
     * @param http2    when enabled, a connection may turn to HTTP/2 (client preface) and its frames are judged by
     *                 {@link H2FrameScanner} and {@link H2Stalls}
     * @param rejected told the reason of each refusal, for metrics
     */
    ListenerGuard(ListenerLimits limits, Http2Settings http2, Consumer<String> rejected) {
        this.limits = limits;
        this.http2 = http2;
        this.rejected = rejected;
        this.state = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute("gateway.head." + System.identityHashCode(this));
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
        builder.add(codec, new BeforeCodec());
        int idle = builder.indexOfType(IdleTimeoutFilter.class);
        if (idle >= 0 && idleGoAway == null) {
            idleGoAway = H2IdleGoAway.of((IdleTimeoutFilter) builder.get(idle));
        }
    }

    /** The HTTP/2 frame state of {@code c}, null before its client preface (or without node.http2). */
    H2FrameState h2FramesOf(Connection<?> c) {
        HeadState s = state.get(c);
        return s == null || !s.h2 ? null : s.h2Frames;
    }

    int openConnections() {
        return count.get();
    }

    /**
     * A lingering close, for an answer that ends its connection while the client may still be sending the
     * request's body: from now on every byte the client sends is read and dropped (so the kernel never resets
     * the connection for unread data, which would destroy the answer on its way), the answer says
     * {@code Connection: close}, and the connection closes when the client closes its side or after
     * {@link #LINGER_MILLIS}, whichever comes first.
     */
    void linger(Connection<?> c) {
        HeadState s = state.get(c);
        if (s == null) {
            c.closeSilently();
            return;
        }
        s.refused = true;
        s.startNanos = 0;
        s.lingerUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
    }

    /**
     * {@code c} carries a WebSocket tunnel from now on (its 101 is about to go out): what the client sends is frames,
     * passed to the codec unjudged, and no header timeout runs.
     */
    void tunnel(Connection<?> c) {
        HeadState s = state.get(c);
        if (s != null) {
            s.tunnel = true;
            s.startNanos = 0;
        }
    }

    /** Refuses connections whose head has taken longer than the header timeout. Called by a timer. */
    void sweep() {
        long now = System.nanoTime();
        long timeout = limits.headerTimeout().toNanos();
        for (Connection<?> c : open) {
            HeadState s = state.get(c);
            if (s != null) {
                long linger = s.lingerUntilNanos;
                if (linger != 0 && now - linger > 0) {
                    s.lingerUntilNanos = 0;
                    c.closeSilently();
                    continue;
                }
                if (s.h2) {
                    if (!s.refused && H2Stalls.stalled(c, s.h2Frames, now, limits.idleTimeout().toNanos())) {
                        s.refused = true;
                        rejected.accept("h2-stalled");
                        H2Stalls.terminate(c);
                    }
                    H2IdleGoAway polite = idleGoAway;
                    if (!s.refused && polite != null) {
                        polite.sweep(c, s.h2Frames, System.currentTimeMillis(), SWEEP_MILLIS + SWEEP_MILLIS / 5);
                    }
                    continue;
                }
                long start = s.startNanos;
                if (start != 0 && now - start > timeout) {
                    s.refused = true;
                    s.startNanos = 0;
                    refuse(c, 408, "Request Timeout", "request head not received within " + limits.headerTimeout().toMillis() + " ms", "header-timeout");
                }
            }
        }
    }

    private void refuse(Connection<?> c, int status, String reason, String message, String metric) {
        rejected.accept(metric);
        RawResponses.refuse(c, status, reason, message);
    }

    /** GOAWAY, then a lingering close: what the client still sends is read and dropped, so the GOAWAY reaches it. */
    private void goAway(Connection<?> c, HeadState s, String metric) {
        rejected.accept(metric);
        H2Answers.goAway(c, s.h2Frames.lastStreamId, false);
        linger(c);
    }

    private final class BeforeCodec extends BaseFilter {
        @Override
        public NextAction handleAccept(FilterChainContext ctx) throws IOException {
            Connection<?> c = ctx.getConnection();
            HeadState s = new HeadState();
            long now = System.nanoTime();
            s.nextHead(now);
            if (http2.enabled()) {
                s.h2Frames = new H2FrameState(2 * http2.maxConcurrentStreams(), http2.maxHeaderList(), now);
                s.prefaceUnjudged = true;
            }
            state.set(c, s);
            open.add(c);
            if (count.incrementAndGet() > limits.maxConnections()) {
                s.refused = true;
                refuse(c, 503, "Service Unavailable", "too many connections", "too-many-connections");
                return ctx.getStopAction();
            }
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            HeadState s = state.get(ctx.getConnection());
            if (s != null && s.refused) {
                return ctx.getStopAction();
            }
            if (s == null || s.tunnel) {
                return ctx.getInvokeAction();
            }
            Buffer buffer = ctx.getMessage();
            Connection<?> c = ctx.getConnection();
            if (s.prefaceUnjudged) {
                if (H2PrefaceHold.hold(buffer)) {
                    return ctx.getStopAction(buffer); // kept by the chain, the next read appended to it
                }
                s.prefaceUnjudged = false;
            }
            switch (HeadScanner.scan(s, buffer, limits.maxHeaderBytes())) {
                case HeadScanner.TOO_LARGE -> refuse(c, 431, "Request Header Fields Too Large",
                        "request head larger than " + limits.maxHeaderBytes() + " bytes", "headers-too-large");
                case HeadScanner.OBS_FOLD -> refuse(c, 400, "Bad Request", "obsolete line folding in request head", "malformed");
                case HeadScanner.BAD_REQUEST_LINE -> refuse(c, 400, "Bad Request", "malformed request line", "malformed");
                case HeadScanner.BAD_HEADER_LINE -> refuse(c, 400, "Bad Request", "malformed header field", "malformed");
                case HeadScanner.BAD_TRANSFER_ENCODING -> refuse(c, 400, "Bad Request",
                        "Transfer-Encoding must end in chunked, and needs HTTP/1.1", "malformed");
                case HeadScanner.UNSUPPORTED_TRANSFER_CODING -> refuse(c, 501, "Not Implemented",
                        "transfer coding other than chunked", "unsupported-transfer-coding");
                case HeadScanner.BAD_CHUNK -> refuse(c, 400, "Bad Request", "malformed chunked body", "malformed");
                case HeadScanner.AMBIGUOUS_FRAMING -> refuse(c, 400, "Bad Request",
                        "ambiguous framing: Content-Length with Transfer-Encoding, or Content-Length twice", "malformed");
                case HeadScanner.DUPLICATE_HOST -> refuse(c, 400, "Bad Request", "more than one Host header", "bad-host");
                case HeadScanner.MISSING_HOST -> refuse(c, 400, "Bad Request", "missing Host header (required in HTTP/1.1)",
                        "bad-host");
                case HeadScanner.BAD_HOST -> refuse(c, 400, "Bad Request",
                        "invalid Host header (expected: host[:port])", "bad-host");
                case HeadScanner.HOST_MISMATCH -> refuse(c, 400, "Bad Request",
                        "Host header disagrees with the authority of the request target", "bad-host");
                case HeadScanner.BAD_TARGET_AUTHORITY -> refuse(c, 400, "Bad Request",
                        "absolute-form request target must be http:// or https:// and a host[:port], without userinfo",
                        "malformed");
                case HeadScanner.CONTROL_CHARACTER -> refuse(c, 400, "Bad Request",
                        "control character in a header field value", "malformed");
                case H2FrameScanner.RAPID_RESET -> goAway(c, s, "h2-rapid-reset");
                case H2FrameScanner.CONTINUATION_FLOOD -> goAway(c, s, "h2-continuation-flood");
                case H2FrameScanner.HEADER_LIST -> goAway(c, s, "h2-header-list");
                case H2FrameScanner.SETTINGS_FLOOD -> goAway(c, s, "h2-settings-flood");
                case H2FrameScanner.PING_FLOOD -> goAway(c, s, "h2-ping-flood");
                default -> {
                    return ctx.getInvokeAction();
                }
            }
            s.refused = true;
            s.startNanos = 0;
            return ctx.getStopAction();
        }

        @Override
        public NextAction handleClose(FilterChainContext ctx) throws IOException {
            if (open.remove(ctx.getConnection())) {
                count.decrementAndGet();
            }
            HeadState s = state.get(ctx.getConnection());
            if (s != null && s.h2Frames != null) {
                s.h2Frames.connectionClosed();
            }
            return ctx.getInvokeAction();
        }
    }

}
