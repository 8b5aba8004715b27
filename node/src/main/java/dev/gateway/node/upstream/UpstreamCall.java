package dev.gateway.node.upstream;

import dev.gateway.config.PoolConfig;
import dev.gateway.config.UpstreamConfig;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.Headers;
import dev.gateway.node.observability.tracing.TraceSpan;

/**
 * One request to send to one target, headers already final (hop-by-hop removed, {@code Host}
 * and forwarding headers set).
 *
 * @param connectTimeoutNanos  how long a new connection may take to open
 * @param responseTimeoutNanos the longest silence of the exchange (upload, wait for the head, gaps
 *                             between body chunks); the exchange's deadline bounds the whole of it
 * @param span                 the call's client span ({@link TraceSpan#NONE} untraced): the client marks on it
 *                             {@code gateway.upstream.connection} ({@code new} or {@code reused}) and the events
 *                             {@code connect start} and {@code connect end} (a new connection, its TLS handshake
 *                             included) and {@code first byte} (the response head arrived)
 */
public record UpstreamCall(UpstreamTarget target, String method, String pathAndQuery, Headers headers,
                           Body body, Exchange exchange, long connectTimeoutNanos, long responseTimeoutNanos,
                           PoolSettings pool, TraceSpan span) {

    /** An untraced call. */
    public UpstreamCall(UpstreamTarget target, String method, String pathAndQuery, Headers headers, Body body,
                        Exchange exchange, long connectTimeoutNanos, long responseTimeoutNanos, PoolSettings pool) {
        this(target, method, pathAndQuery, headers, body, exchange, connectTimeoutNanos, responseTimeoutNanos, pool,
                TraceSpan.NONE);
    }

    /**
     * Pool bounds of the target's upstream, applied when its pool is first made or resized.
     *
     * @param maxLifetimeNanos a connection older than this is closed when it comes back instead of reused
     * @param dnsRefreshNanos  how long a resolution of the target's host name is used
     */
    public record PoolSettings(int maxConnections, long idleTimeoutNanos, long maxLifetimeNanos, long dnsRefreshNanos) {
        /** With the defaults of {@code pool.max-lifetime} (5m) and {@code dns-refresh} (30s). */
        public PoolSettings(int maxConnections, long idleTimeoutNanos) {
            this(maxConnections, idleTimeoutNanos, PoolConfig.DEFAULT_MAX_LIFETIME.toNanos(),
                    UpstreamConfig.DEFAULT_DNS_REFRESH.toNanos());
        }
    }
}
