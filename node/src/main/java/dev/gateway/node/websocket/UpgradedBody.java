package dev.gateway.node.websocket;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.GatewayException;

/**
 * The "body" of an upstream's 101 to a WebSocket upgrade: not bytes but the upstream connection itself, taken out of
 * its pool, which the listener joins with the client's connection into a {@link WebSocketTunnel}. The route's
 * {@code websocket} settings travel with it ({@link WebSocketLink} sets them). Whoever drops the response discards it,
 * which closes the upstream connection; it cannot be read as bytes.
 */
public final class UpgradedBody implements Body {
    private final TunnelEnd upstream;
    private final long idleNanos;
    private final long maxMessage;

    public UpgradedBody(TunnelEnd upstream) {
        this(upstream, dev.gateway.config.WebSocketConfig.DEFAULT_IDLE_TIMEOUT.toNanos(),
                dev.gateway.config.WebSocketConfig.DEFAULT_MAX_MESSAGE);
    }

    private UpgradedBody(TunnelEnd upstream, long idleNanos, long maxMessage) {
        this.upstream = upstream;
        this.idleNanos = idleNanos;
        this.maxMessage = maxMessage;
    }

    /** The same connection under a route's {@code idle-timeout} and {@code max-message}. */
    public UpgradedBody withLimits(long newIdleNanos, long newMaxMessage) {
        return new UpgradedBody(upstream, newIdleNanos, newMaxMessage);
    }

    public TunnelEnd upstream() {
        return upstream;
    }

    public long idleNanos() {
        return idleNanos;
    }

    public long maxMessage() {
        return maxMessage;
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public void subscribe(BodySink sink) {
        upstream.close();
        sink.onError(new GatewayException(502, "an upstream's WebSocket connection cannot be relayed as a body"));
    }

    @Override
    public void resume() {
    }

    @Override
    public void discard() {
        upstream.close();
    }
}
