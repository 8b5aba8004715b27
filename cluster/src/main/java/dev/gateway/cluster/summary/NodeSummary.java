package dev.gateway.cluster.summary;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one node tells the cluster about itself every second, for the console's cluster-wide view: its request and
 * 5xx counts since start, readiness (and why not), the config version it runs, each breaker's state as it acts on
 * it, and when it started and published this.
 *
 * @param notReadyReason null when ready
 * @param breakers       upstream name to state ({@code closed}, {@code open}, {@code half-open})
 */
public record NodeSummary(String node, long publishedAtMillis, long startedAtMillis, long requests, long errors,
                          String notReadyReason, long configVersion, Map<String, String> breakers) {
    public NodeSummary {
        Objects.requireNonNull(node, "node");
        if (node.isBlank()) {
            throw new IllegalArgumentException("node: '" + node + "' (expected: a node name)");
        }
        breakers = java.util.Collections.unmodifiableMap(new TreeMap<>(breakers == null ? Map.of() : breakers));
    }

    public boolean ready() {
        return notReadyReason == null;
    }
}
