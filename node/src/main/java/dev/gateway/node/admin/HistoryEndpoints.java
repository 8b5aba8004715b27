package dev.gateway.node.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.cluster.history.AuditEntry;
import dev.gateway.cluster.history.AuditLog;
import dev.gateway.cluster.history.ConfigHistory;
import dev.gateway.config.feed.ConfigVersion;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /admin/config/history} (the last {@value ConfigHistory#KEEP} versions: who published each and when),
 * {@code GET /admin/config/diff?from=N&to=M} (a line diff of their canonical YAML) and {@code GET /admin/audit} (the
 * cluster's latest admin writes); and the audit of every admin write ({@link #audit}), kept in the cluster and
 * written as one line to the {@code gateway.audit} log. Thread-safe.
 */
public final class HistoryEndpoints {
    /** Entries {@code GET /admin/audit} answers with. */
    static final int AUDIT_SHOWN = 100;
    private static final Logger AUDIT = LoggerFactory.getLogger("gateway.audit");
    private final ObjectMapper json = new ObjectMapper();
    private final ConfigHistory history;
    private final AuditLog audit;
    private final String nodeName;
    private final LongSupplier nowMillis;

    public HistoryEndpoints(ConfigHistory history, AuditLog audit, String nodeName, LongSupplier nowMillis) {
        this.history = history;
        this.audit = audit;
        this.nodeName = nodeName;
        this.nowMillis = nowMillis;
    }

    /** Keeps an admin write: in the cluster's audit log and as one log line. */
    public void audit(String who, String action, AdminReply reply) {
        String result = reply.status() < 400 ? outcome(reply.json()) : error(reply.json());
        AUDIT.info("admin write: who=\"{}\" node={} action=\"{}\" status={} result=\"{}\"", who, nodeName, action,
                reply.status(), result);
        audit.append(new AuditEntry(nowMillis.getAsLong(), who, nodeName, action, reply.status(), result));
    }

    public AdminReply versions() {
        List<ConfigVersion> versions;
        try {
            versions = history.recent();
        } catch (IllegalStateException e) {
            return AdminReply.error(503, e.getMessage());
        }
        ObjectNode out = json.createObjectNode();
        out.put("kept", ConfigHistory.KEEP);
        ArrayNode list = out.putArray("versions");
        for (ConfigVersion v : versions) {
            list.addObject().put("version", v.version()).put("sha256", v.sha256()).put("published_by", v.publishedBy())
                    .put("published_at", Instant.ofEpochMilli(v.publishedAtMillis()).toString())
                    .put("lines", v.text().split("\n", -1).length);
        }
        return new AdminReply(200, out.toString());
    }

    /** {@code query}: {@code from=N&to=M}, two versions the history keeps. */
    public AdminReply diff(String query) {
        long from = number(query, "from");
        long to = number(query, "to");
        if (from < 1 || to < 1) {
            return AdminReply.error(400, "expected ?from=N&to=M (two config versions)");
        }
        List<ConfigVersion> versions;
        try {
            versions = history.recent();
        } catch (IllegalStateException e) {
            return AdminReply.error(503, e.getMessage());
        }
        ConfigVersion a = find(versions, from);
        ConfigVersion b = find(versions, to);
        if (a == null || b == null) {
            return AdminReply.error(404, "version " + (a == null ? from : to) + " is not among the last "
                    + ConfigHistory.KEEP + " kept");
        }
        List<LineDiff.Line> lines;
        try {
            lines = LineDiff.of(a.text(), b.text());
        } catch (IllegalArgumentException e) {
            return AdminReply.error(413, e.getMessage());
        }
        ObjectNode out = json.createObjectNode();
        out.put("from", from);
        out.put("to", to);
        out.put("added", lines.stream().filter(l -> l.op() == '+').count());
        out.put("removed", lines.stream().filter(l -> l.op() == '-').count());
        ArrayNode list = out.putArray("lines");
        for (LineDiff.Line l : lines) {
            list.add(l.op() + l.text());
        }
        return new AdminReply(200, out.toString());
    }

    public AdminReply auditLog() {
        List<AuditEntry> entries;
        try {
            entries = audit.recent(AUDIT_SHOWN);
        } catch (IllegalStateException e) {
            return AdminReply.error(503, e.getMessage());
        }
        ObjectNode out = json.createObjectNode();
        ArrayNode list = out.putArray("entries");
        for (AuditEntry e : entries) {
            list.addObject().put("at", Instant.ofEpochMilli(e.atMillis()).toString()).put("who", e.who())
                    .put("node", e.node()).put("action", e.action()).put("status", e.status()).put("result", e.result());
        }
        return new AdminReply(200, out.toString());
    }

    private static ConfigVersion find(List<ConfigVersion> versions, long version) {
        return versions.stream().filter(v -> v.version() == version).findFirst().orElse(null);
    }

    private static long number(String query, String name) {
        if (query == null) {
            return -1;
        }
        for (String part : query.split("&")) {
            if (part.startsWith(name + "=")) {
                try {
                    return Long.parseLong(part.substring(name.length() + 1));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private String outcome(String body) {
        try {
            var node = json.readTree(body);
            if (node.has("outcome")) {
                return node.path("outcome").asText() + (node.has("version") ? " version " + node.path("version") : "");
            }
            return node.has("valid") ? "valid" : "ok";
        } catch (java.io.IOException e) {
            return "ok";
        }
    }

    private String error(String body) {
        try {
            String message = json.readTree(body).path("error").asText();
            return message.length() > 200 ? message.substring(0, 200) + "..." : message;
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
