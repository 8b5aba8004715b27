package dev.gateway.node.observability;

/**
 * What the access log says of one request, captured on the request path as plain values and
 * formatted later, off that path.
 *
 * @param upstreamNanos -1 when the request never went upstream
 */
public record AccessLogEntry(long epochMillis, String requestId, String traceId, String clientIp, String method,
                             String path, String routeId, String upstreamTarget, int status, long bytes,
                             long gatewayNanos, long upstreamNanos) {

    /** One JSON object on one line. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"time\":\"").append(java.time.Instant.ofEpochMilli(epochMillis)).append('"');
        field(sb, "request_id", requestId);
        field(sb, "trace_id", traceId);
        field(sb, "client_ip", clientIp);
        field(sb, "method", method);
        field(sb, "path", path);
        field(sb, "route", routeId);
        field(sb, "upstream", upstreamTarget);
        sb.append(",\"status\":").append(status);
        sb.append(",\"bytes\":").append(bytes);
        sb.append(",\"gateway_ms\":").append(millis(gatewayNanos));
        sb.append(",\"upstream_ms\":").append(upstreamNanos < 0 ? "null" : millis(upstreamNanos));
        return sb.append('}').toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(",\"").append(name).append("\":")
                .append(value == null ? "null" : dev.gateway.node.http.Json.quote(value));
    }

    private static String millis(long nanos) {
        return String.valueOf(Math.round(nanos / 1_000.0) / 1_000.0);
    }
}
