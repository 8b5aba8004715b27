package dev.gateway.node.upstream;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.Headers;

/**
 * One request to send to one target, headers already final (hop-by-hop removed, {@code Host}
 * and forwarding headers set).
 *
 * @param connectTimeoutNanos  how long a new connection may take to open
 * @param responseTimeoutNanos how long the response headers may take once the request is sent;
 *                             the exchange's deadline caps it
 */
public record UpstreamCall(UpstreamTarget target, String method, String pathAndQuery, Headers headers,
                           Body body, Exchange exchange, long connectTimeoutNanos, long responseTimeoutNanos,
                           PoolSettings pool) {

    /** Pool bounds of the target's upstream, applied when its pool is first made or resized. */
    public record PoolSettings(int maxConnections, long idleTimeoutNanos) {
    }
}
