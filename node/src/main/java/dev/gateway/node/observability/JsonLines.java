package dev.gateway.node.observability;

import dev.gateway.node.http.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Formats access-log entries as JSON lines into a reused buffer. The timestamp's second part
 * is formatted once per second, not per line. Used by the access log's one writer thread only.
 */
final class JsonLines {
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix = "";

    void append(StringBuilder sb, AccessLogEntry e) {
        sb.append("{\"time\":\"");
        appendTime(sb, e.epochMillis());
        sb.append('"');
        field(sb, "request_id", e.requestId());
        field(sb, "trace_id", e.traceId());
        field(sb, "span_id", e.spanId());
        field(sb, "client_ip", e.clientIp());
        field(sb, "method", e.method());
        field(sb, "path", e.path());
        field(sb, "route", e.routeId());
        field(sb, "upstream", e.upstreamTarget());
        sb.append(",\"status\":").append(e.status());
        sb.append(",\"bytes\":").append(e.bytes());
        sb.append(",\"gateway_ms\":");
        millis(sb, e.gatewayNanos());
        sb.append(",\"upstream_ms\":");
        if (e.upstreamNanos() < 0) {
            sb.append("null");
        } else {
            millis(sb, e.upstreamNanos());
        }
        sb.append("}\n");
    }

    private void appendTime(StringBuilder sb, long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        if (second != cachedSecond) {
            cachedSecond = second;
            cachedPrefix = SECONDS.format(Instant.ofEpochSecond(second));
        }
        int ms = (int) Math.floorMod(epochMillis, 1000);
        sb.append(cachedPrefix).append('.');
        if (ms < 100) {
            sb.append('0');
        }
        if (ms < 10) {
            sb.append('0');
        }
        sb.append(ms).append('Z');
    }

    /** Milliseconds with three decimals, from nanoseconds, without floating-point formatting. */
    private static void millis(StringBuilder sb, long nanos) {
        long micros = (nanos + 500) / 1000;
        sb.append(micros / 1000).append('.');
        long frac = micros % 1000;
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        sb.append(frac);
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(",\"").append(name).append("\":");
        if (value == null) {
            sb.append("null");
        } else {
            Json.appendQuoted(sb, value);
        }
    }
}
