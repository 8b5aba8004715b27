package dev.gateway.cluster.summary;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one node tells the cluster about itself every second, for the console's cluster-wide view: its request and
 * 5xx counts since start, readiness (and why not), the config version it runs, each breaker's state as it acts on
 * it, each route's counts and latency, each rate-limit policy's decisions, and when it started and published this.
 * Counts are totals since the node started: a reader makes rates from two summaries.
 *
 * @param notReadyReason null when ready
 * @param breakers       upstream name to state ({@code closed}, {@code open}, {@code half-open})
 * @param routes         route id to its counts ({@code ""}: requests no route matched)
 * @param limits         rate-limit policy name to its decisions
 */
public record NodeSummary(String node, long publishedAtMillis, long startedAtMillis, long requests, long errors,
                          String notReadyReason, long configVersion, Map<String, String> breakers,
                          Map<String, RouteStats> routes, Map<String, LimitStats> limits) {
    /**
     * One route on one node: requests and 5xx answers since start, and the median and 99th percentile of the time the
     * gateway spent on its most recent requests (the node's sample of the last 1024), in microseconds.
     */
    public record RouteStats(long requests, long errors, long p50Micros, long p99Micros) {
    }

    /** One rate-limit policy on one node: decisions since start (fallback: the cluster could not answer). */
    public record LimitStats(long allowed, long limited, long fallback) {
    }

    public NodeSummary {
        Objects.requireNonNull(node, "node");
        if (node.isBlank()) {
            throw new IllegalArgumentException("node: '" + node + "' (expected: a node name)");
        }
        breakers = java.util.Collections.unmodifiableMap(new TreeMap<>(breakers == null ? Map.of() : breakers));
        routes = java.util.Collections.unmodifiableMap(new TreeMap<>(routes == null ? Map.of() : routes));
        limits = java.util.Collections.unmodifiableMap(new TreeMap<>(limits == null ? Map.of() : limits));
    }

    /** A summary without per-route or per-policy figures. */
    public NodeSummary(String node, long publishedAtMillis, long startedAtMillis, long requests, long errors,
                       String notReadyReason, long configVersion, Map<String, String> breakers) {
        this(node, publishedAtMillis, startedAtMillis, requests, errors, notReadyReason, configVersion, breakers,
                Map.of(), Map.of());
    }

    public boolean ready() {
        return notReadyReason == null;
    }
}
