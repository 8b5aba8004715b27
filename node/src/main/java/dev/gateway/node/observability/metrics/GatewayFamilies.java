package dev.gateway.node.observability.metrics;

import dev.gateway.node.observability.metrics.PrometheusExposition.Family;
import dev.gateway.node.observability.metrics.PrometheusExposition.Type;

/** The names, types and help texts of the families {@link GatewayMetrics} exports (its class comment lists them). */
final class GatewayFamilies {
    private GatewayFamilies() {
    }

    static final Family REQUESTS = new Family("gateway_requests", Type.COUNTER,
            "Requests answered, by route, method and class of the status sent to the client.");
    static final Family REQUEST_DURATION = new Family("gateway_request_duration_seconds", Type.SUMMARY,
            "Time the gateway spent on a request, from arrival to the end of the response, by route.");
    static final Family REQUEST_LATENCY = new Family("gateway_request_latency_seconds", Type.HISTOGRAM,
            "Time the gateway spent on a request, from arrival to the end of the response, by route: every request since"
                    + " start, in buckets; in OpenMetrics, a bucket's exemplar is the trace of a sampled request in it.");
    static final Family UPSTREAM_DURATION = new Family("gateway_upstream_duration_seconds", Type.SUMMARY,
            "Time a request spent upstream, by upstream.");
    static final Family UPSTREAM_CONNECTIONS = new Family("gateway_upstream_connections", Type.GAUGE,
            "Pooled connections to an upstream target: open (all) and idle (open and unused).");
    static final Family TARGET_HEALTHY = new Family("gateway_upstream_target_healthy", Type.GAUGE,
            "1 when the upstream target is considered healthy, else 0.");
    static final Family LISTENER_REJECTED = new Family("gateway_listener_rejected", Type.COUNTER,
            "Connections or requests the listener refused or failed before routing, by reason.");
    static final Family UPSTREAM_BODY_TIMEOUTS = new Family("gateway_upstream_body_timeouts", Type.COUNTER,
            "Upstream response bodies cut because a timeout expired after the response head: response (the upstream"
                    + " was silent too long) or route (the route's total timeout passed), by upstream.");
    static final Family ACCESS_LOG_DROPPED = new Family("gateway_access_log_dropped", Type.COUNTER,
            "Access-log entries dropped because the log could not keep up.");

    static final Family TRACE_SPANS_DROPPED = new Family("gateway_trace_spans_dropped", Type.COUNTER,
            "Finished spans dropped instead of exported because the export queue was full (observability.tracing.export).");

    static final Family RATE_LIMIT_DECISIONS = new Family("gateway_rate_limit_decisions", Type.COUNTER,
            "Rate-limit decisions by policy and outcome: allowed, limited, or fallback when the cluster could not answer.");
    static final Family RATE_LIMIT_CHECK = new Family("gateway_rate_limit_check_seconds", Type.SUMMARY,
            "Time to get a rate-limit decision, by policy.");
    static final Family RATE_LIMIT_CHECK_BUCKETS = new Family("gateway_rate_limit_check_duration_seconds", Type.HISTOGRAM,
            "Time to get a rate-limit decision, by policy: every decision since start, in buckets.");
}
