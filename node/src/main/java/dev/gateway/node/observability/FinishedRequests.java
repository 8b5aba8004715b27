package dev.gateway.node.observability;

import dev.gateway.node.http.Exchange;
import dev.gateway.node.observability.metrics.GatewayMetrics;
import dev.gateway.node.observability.tracing.RequestTrace;

/**
 * Reports each request once its response is complete: to the metrics always (with its trace ids when
 * the trace is sampled: the exemplar of its latency bucket), to the access log when the config in
 * force has it on. Both are cheap and never block.
 */
public final class FinishedRequests {
    private final AccessLog accessLog;
    private final GatewayMetrics metrics;

    public FinishedRequests(AccessLog accessLog, GatewayMetrics metrics) {
        this.accessLog = accessLog;
        this.metrics = metrics;
    }

    public void finished(Exchange exchange, String method, String path, int status, long bytes, boolean logIt) {
        long gatewayNanos = System.nanoTime() - exchange.startNanos();
        RequestTrace trace = exchange.trace();
        boolean sampled = trace.recording(); // read before end: an ended span no longer records
        trace.end(status);
        metrics.requestFinished(exchange.routeId(), method, status, gatewayNanos, exchange.upstreamName(),
                exchange.upstreamNanos(), sampled ? trace.traceId() : null, sampled ? trace.spanId() : null);
        if (logIt) {
            accessLog.record(new AccessLogEntry(System.currentTimeMillis(), exchange.requestId(), exchange.traceId(),
                    exchange.spanId(),
                    exchange.clientAddress(), method, path, exchange.routeId(), exchange.upstreamTarget(), status,
                    bytes, gatewayNanos, exchange.upstreamNanos()));
        }
    }
}
