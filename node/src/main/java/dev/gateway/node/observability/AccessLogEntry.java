package dev.gateway.node.observability;

/**
 * What the access log says of one request, captured on the request path as plain values and
 * formatted later, off that path.
 *
 * @param path          the request target's path as the client sent it, before normalization (one char per
 *                      byte): what was received, even when it was refused; {@code routeId} says what it matched
 * @param traceId       the W3C trace id, null when tracing is off
 * @param spanId        the gateway's span of this request (see {@code Exchange.spanId()}), null likewise
 * @param upstreamNanos -1 when the request never went upstream
 */
public record AccessLogEntry(long epochMillis, String requestId, String traceId, String spanId,
                             String clientIp, String method,
                             String path, String routeId, String upstreamTarget, int status, long bytes,
                             long gatewayNanos, long upstreamNanos) {
}
