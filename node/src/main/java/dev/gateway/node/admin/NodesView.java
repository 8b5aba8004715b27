package dev.gateway.node.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.cluster.summary.NodeSummaries;
import dev.gateway.cluster.summary.NodeSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@code GET /admin/nodes}: every node's latest summary ({@link SummaryPublisher}), read from the cluster, so that any
 * node shows the whole cluster. A node whose summary this view showed before and that has now expired is listed as
 * {@code gone} with its last summary, for {@link #FORGET_GONE_AFTER}, instead of silently vanishing. Thread-safe.
 */
public final class NodesView {
    /** How long a node that stopped publishing is still listed as gone. */
    static final Duration FORGET_GONE_AFTER = Duration.ofMinutes(15);
    private final ObjectMapper json = new ObjectMapper();
    private final NodeSummaries summaries;
    private final String nodeName;
    private final LongSupplier nowMillis;
    private final Map<String, NodeSummary> seen = new ConcurrentHashMap<>();

    public NodesView(NodeSummaries summaries, String nodeName, LongSupplier nowMillis) {
        this.summaries = summaries;
        this.nodeName = nodeName;
        this.nowMillis = nowMillis;
    }

    /** 200 with every node's row, 503 when the cluster does not answer. */
    public AdminReply render() {
        Map<String, NodeSummary> live;
        try {
            live = summaries.all();
        } catch (IllegalStateException e) {
            return AdminReply.error(503, e.getMessage());
        }
        long now = nowMillis.getAsLong();
        seen.putAll(live);
        seen.values().removeIf(s -> !live.containsKey(s.node())
                && now - s.publishedAtMillis() > FORGET_GONE_AFTER.toMillis());
        ObjectNode out = json.createObjectNode();
        out.put("node", nodeName);
        ArrayNode rows = out.putArray("nodes");
        for (NodeSummary s : new TreeMap<>(seen).values()) {
            row(rows.addObject(), s, live.containsKey(s.node()), now);
        }
        return new AdminReply(200, out.toString());
    }

    private void row(ObjectNode row, NodeSummary s, boolean up, long now) {
        row.put("node", s.node());
        row.put("status", up ? "up" : "gone");
        row.put("local", s.node().equals(nodeName));
        if (!up) {
            row.put("last_seen", Instant.ofEpochMilli(s.publishedAtMillis()).toString());
        }
        row.put("ready", s.ready());
        if (!s.ready()) {
            row.put("reason", s.notReadyReason());
        }
        row.put("config_version", s.configVersion());
        row.put("requests", s.requests());
        row.put("errors", s.errors());
        row.put("started_at", Instant.ofEpochMilli(s.startedAtMillis()).toString());
        row.put("uptime_seconds", Math.max(0, s.publishedAtMillis() - s.startedAtMillis()) / 1000);
        row.put("published_at", Instant.ofEpochMilli(s.publishedAtMillis()).toString());
        row.put("age_ms", Math.max(0, now - s.publishedAtMillis()));
        ObjectNode breakers = row.putObject("breakers");
        s.breakers().forEach(breakers::put);
        ObjectNode routes = row.putObject("routes");
        s.routes().forEach((route, r) -> routes.putObject(route)
                .put("requests", r.requests()).put("errors", r.errors())
                .put("p50_ms", r.p50Micros() / 1000.0).put("p99_ms", r.p99Micros() / 1000.0));
        ObjectNode limits = row.putObject("limits");
        s.limits().forEach((policy, l) -> limits.putObject(policy)
                .put("allowed", l.allowed()).put("limited", l.limited()).put("fallback", l.fallback()));
    }
}
