package dev.gateway.node.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.config.ConfigCodec;
import dev.gateway.config.ConfigError;
import dev.gateway.config.ConfigException;
import dev.gateway.config.SharedConfig;
import dev.gateway.config.feed.AppliedVersions;
import dev.gateway.config.feed.ConfigFeedUnavailableException;
import dev.gateway.config.feed.ConfigVersion;
import dev.gateway.config.feed.NodeConfigState;
import dev.gateway.node.sync.ConfigRejectedException;
import dev.gateway.node.sync.ConfigSync;
import dev.gateway.node.sync.PublishResult;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code GET/PUT /admin/config} and {@code POST /admin/config/validate}: the shared config in force, publishing a
 * new version to the whole cluster, and checking one without publishing. Bound to the node's {@link ConfigSync}
 * once it exists (the admin listener starts first); before that the calls answer 503.
 */
public final class ConfigEndpoints {
    private final ObjectMapper json = new ObjectMapper();
    private final String nodeName;
    private final Function<String, String> env;
    private volatile ConfigSync sync;
    private volatile AppliedVersions applied;

    public ConfigEndpoints(String nodeName, Function<String, String> env) {
        this.nodeName = nodeName;
        this.env = env;
    }

    /** Connects the calls to the node's config; once, at start. */
    public void bind(ConfigSync configSync, AppliedVersions appliedVersions) {
        this.applied = appliedVersions;
        this.sync = configSync;
    }

    /** Null when this node serves the cluster's config version; else why not. */
    public String notReadyReason() {
        ConfigSync s = sync;
        return s == null ? "no config applied yet" : s.notReadyReason();
    }

    /** The config version this node runs; 0 before it runs one. */
    public long runningVersion() {
        ConfigSync s = sync;
        return s == null ? 0 : s.running().version();
    }

    /** {@code GET /admin/config}: JSON with the version and the config; {@code ?format=yaml}: the canonical YAML. */
    public AdminReply current(String query) {
        ConfigSync s = sync;
        if (s == null) {
            return AdminReply.error(503, "the node is starting");
        }
        ConfigVersion running = s.running();
        if (query != null && query.contains("format=yaml")) {
            return new AdminReply(200, "# version " + running.version() + ", sha256 " + running.sha256() + "\n"
                    + running.text(), "application/yaml");
        }
        ObjectNode out = describe(running);
        ConfigVersion cluster = s.clusterVersion();
        if (cluster != null) {
            out.set("cluster", describe(cluster).without("config"));
        }
        try {
            out.set("config", json.readTree(ConfigCodec.toJson(ConfigCodec.parseShared(running.text(), name -> null))));
        } catch (ConfigException | IOException e) {
            return AdminReply.error(500, "the config in force does not render: " + e.getMessage());
        }
        return new AdminReply(200, out.toString());
    }

    /**
     * {@code PUT /admin/config}.
     *
     * @param caller who sent it, as the admin listener can tell; kept as the version's publisher with this node's name
     */
    public AdminReply publish(byte[] body, String caller) {
        ConfigSync s = sync;
        if (s == null) {
            return AdminReply.error(503, "the node is starting");
        }
        SharedConfig config;
        try {
            config = parse(body);
        } catch (ConfigException e) {
            return invalid(e.errors());
        }
        PublishResult result;
        try {
            result = s.publish(config, caller == null ? nodeName + " (admin API)"
                    : caller + " via " + nodeName + " (admin API)");
        } catch (ConfigRejectedException e) {
            return invalid(e.errors());
        } catch (ConfigFeedUnavailableException e) {
            return AdminReply.error(503, "the cluster cannot take a new config now: " + e.getMessage());
        }
        ObjectNode out = describe(result.version()).without("config");
        out.put("outcome", result.outcome().name().toLowerCase());
        out.put("applied_here", result.appliedHere() == null);
        if (result.appliedHere() != null) {
            out.put("not_applied_here", result.appliedHere());
        }
        if (result.outcome() == PublishResult.Outcome.CONFLICT) {
            out.put("error", "conflict: " + result.version().label() + " was published meanwhile by "
                    + result.version().publishedBy() + "; fetch it and retry");
            out.put("status", 409);
            return new AdminReply(409, out.toString());
        }
        return new AdminReply(200, out.toString());
    }

    /** {@code POST /admin/config/validate}: 200 when this node could run it, else 400 with every problem. */
    public AdminReply validate(byte[] body) {
        ConfigSync s = sync;
        SharedConfig config;
        try {
            config = parse(body);
        } catch (ConfigException e) {
            return invalid(e.errors());
        }
        List<ConfigError> problems = s == null ? List.of() : s.check(config);
        if (!problems.isEmpty()) {
            return invalid(problems);
        }
        ObjectNode out = json.createObjectNode();
        out.put("valid", true);
        out.put("sha256", ConfigCodec.sha256(config));
        return new AdminReply(200, out.toString());
    }

    /** The config part of {@code GET /admin/cluster}: the cluster's version and each node's report. */
    public ObjectNode clusterSection() {
        ObjectNode out = json.createObjectNode();
        ConfigSync s = sync;
        if (s == null) {
            return out;
        }
        ConfigVersion cluster = s.clusterVersion();
        out.put("cluster_version", cluster == null ? null : cluster.version());
        out.put("cluster_sha256", cluster == null ? null : cluster.sha256());
        out.put("this_node_version", s.running().version());
        ObjectNode nodes = out.putObject("nodes");
        try {
            for (Map.Entry<String, NodeConfigState> e : applied.all().entrySet()) {
                NodeConfigState st = e.getValue();
                ObjectNode n = nodes.putObject(e.getKey());
                n.put("version", st.version());
                n.put("sha256", st.sha256());
                n.put("current", cluster != null && st.version() == cluster.version()
                        && st.sha256().equals(cluster.sha256()));
                if (st.failedVersion() > 0) {
                    n.put("failed_version", st.failedVersion());
                    n.put("error", st.error());
                }
                n.put("reported_at", Instant.ofEpochMilli(st.reportedAtMillis()).toString());
            }
        } catch (ConfigFeedUnavailableException e) {
            out.put("nodes_error", e.getMessage());
        }
        return out;
    }

    private SharedConfig parse(byte[] body) throws ConfigException {
        if (body == null || body.length == 0) {
            throw new ConfigException(List.of(new ConfigError("", "empty body (expected: the shared config as YAML or JSON)")));
        }
        return ConfigCodec.parseShared(new String(body, java.nio.charset.StandardCharsets.UTF_8), env);
    }

    private AdminReply invalid(List<ConfigError> errors) {
        ObjectNode out = json.createObjectNode();
        out.put("error", "invalid config: " + errors.size() + (errors.size() == 1 ? " problem" : " problems"));
        out.put("status", 400);
        out.put("request_id", "");
        ArrayNode list = out.putArray("errors");
        for (ConfigError e : errors) {
            list.addObject().put("path", e.path()).put("message", e.message());
        }
        return new AdminReply(400, out.toString());
    }

    private ObjectNode describe(ConfigVersion v) {
        ObjectNode out = json.createObjectNode();
        out.put("version", v.version());
        out.put("sha256", v.sha256());
        out.put("published_by", v.publishedBy());
        out.put("published_at", Instant.ofEpochMilli(v.publishedAtMillis()).toString());
        return out;
    }
}
