package dev.gateway.node.admin;

import dev.gateway.cluster.summary.NodeSummaries;
import dev.gateway.cluster.summary.NodeSummary;
import java.time.Duration;
import dev.gateway.node.observability.metrics.GatewayMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Publishes this node's {@link NodeSummary} when run: scheduled every {@link #EVERY} on a thread of its own, never on
 * the request path (the per-route figures copy each route's sample ring). A publish
 * never blocks ({@link NodeSummaries#publish}); a summary that fails to build is skipped, and the next run tries again.
 */
public final class SummaryPublisher implements Runnable {
    /** How often a node publishes its summary. */
    public static final Duration EVERY = Duration.ofSeconds(1);
    /** How long a summary lives without the next one: a node silent this long is shown as gone. */
    public static final Duration TTL = Duration.ofSeconds(5);

    /** What the summary reads from the node, each call a fresh value. */
    public record Sources(LongSupplier requests, LongSupplier errors, Supplier<String> notReadyReason,
                          LongSupplier configVersion, Supplier<Map<String, String>> breakers,
                          Supplier<Map<String, NodeSummary.RouteStats>> routes,
                          Supplier<Map<String, NodeSummary.LimitStats>> limits) {
        /** The sources of a node's metrics: requests, errors, routes and limits all read from {@code metrics}. */
        public static Sources of(GatewayMetrics metrics, Supplier<String> notReadyReason, LongSupplier configVersion,
                                 Supplier<Map<String, String>> breakers) {
            return new Sources(() -> metrics.requestsTotal(false), () -> metrics.requestsTotal(true), notReadyReason,
                    configVersion, breakers, () -> routes(metrics), () -> limits(metrics));
        }

        private static Map<String, NodeSummary.RouteStats> routes(GatewayMetrics metrics) {
            Map<String, NodeSummary.RouteStats> out = new TreeMap<>();
            metrics.routeFigures().forEach((route, f) -> out.put(route, new NodeSummary.RouteStats(f.requests(),
                    f.serverErrors(), f.p50Nanos() / 1_000, f.p99Nanos() / 1_000)));
            return out;
        }

        private static Map<String, NodeSummary.LimitStats> limits(GatewayMetrics metrics) {
            Map<String, NodeSummary.LimitStats> out = new TreeMap<>();
            metrics.policyFigures().forEach((policy, f) ->
                    out.put(policy, new NodeSummary.LimitStats(f.allowed(), f.limited(), f.fallback())));
            return out;
        }
    }

    private final String nodeName;
    private final NodeSummaries summaries;
    private final LongSupplier nowMillis;
    private final long startedAtMillis;
    private final Sources sources;

    public SummaryPublisher(String nodeName, NodeSummaries summaries, LongSupplier nowMillis, Sources sources) {
        this.nodeName = nodeName;
        this.summaries = summaries;
        this.nowMillis = nowMillis;
        this.startedAtMillis = nowMillis.getAsLong();
        this.sources = sources;
    }

    @Override
    public void run() {
        NodeSummary summary;
        try {
            summary = new NodeSummary(nodeName, nowMillis.getAsLong(), startedAtMillis, sources.requests().getAsLong(),
                    sources.errors().getAsLong(), sources.notReadyReason().get(), sources.configVersion().getAsLong(),
                    sources.breakers().get(), sources.routes().get(), sources.limits().get());
        } catch (RuntimeException e) {
            // a source failed mid-change (a config swap, a cluster leaving): the next run, a second later, retries
            return;
        }
        summaries.publish(summary);
    }
}
