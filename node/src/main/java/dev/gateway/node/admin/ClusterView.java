package dev.gateway.node.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.cluster.GatewayCluster;
import dev.gateway.cluster.member.ClientInfo;
import dev.gateway.cluster.member.Build;
import dev.gateway.cluster.member.MemberInfo;
import dev.gateway.limiter.Ticker;
import java.util.List;

/**
 * {@code GET /admin/cluster}: the members as this node sees them, which one it is, whether it
 * is on the majority side and its partitions are backed up, and the config version each node runs. {@code topology}
 * is {@code embedded} or {@code client} ({@code cluster.mode}): a client-mode node lists the dedicated members (it is
 * not one of them), its {@code size} counts them, and {@code local_partitions_safe} is always true (it holds
 * nothing). {@code client_nodes} (and their count, {@code clients}) are the client-mode gateway nodes: on an embedded
 * node those connected to its member, on a client-mode node every one the members report, itself marked
 * {@code local}. {@code gateway_nodes} is what the {@code local} rate-limit fallback divides a limit by.
 * A node without a {@code cluster:} section reports itself alone. {@code clock} shows this node's wall clock
 * and how far the cluster's time (the clock shared state is decided by) is from it: a node whose
 * {@code offset_ms} is far from 0 has a skewed clock (or the master has).
 */
public final class ClusterView {
    private final ObjectMapper json = new ObjectMapper();
    private final GatewayCluster cluster;
    private final String nodeName;
    private final ConfigEndpoints config;
    private final Ticker clock;

    /** @param cluster null for a standalone node */
    public ClusterView(GatewayCluster cluster, String nodeName, ConfigEndpoints config) {
        this(cluster, nodeName, config, Ticker.system());
    }

    /** @param clock this node's wall clock */
    public ClusterView(GatewayCluster cluster, String nodeName, ConfigEndpoints config, Ticker clock) {
        this.clock = clock;
        this.cluster = cluster;
        this.nodeName = nodeName;
        this.config = config;
    }

    public String render() {
        ObjectNode out = json.createObjectNode();
        out.put("node", nodeName);
        out.put("build", Build.version());
        if (cluster == null) {
            out.put("mode", "standalone");
            out.put("size", 1);
            out.set("config", config.clusterSection());
            return out.toString();
        }
        out.put("mode", "cluster");
        // embedded: this node runs a member; client: it is a Hazelcast client of dedicated members
        out.put("topology", cluster.mode().configName());
        out.put("name", cluster.settings().name());
        out.put("size", cluster.size());
        out.put("min_size", cluster.settings().minSize());
        out.put("expected_size", cluster.settings().expectedSize());
        out.put("quorum", cluster.hasQuorum());
        out.put("local_partitions_safe", cluster.localPartitionsSafe());
        long local = clock.epochMillis();
        ObjectNode time = out.putObject("clock");
        time.put("local_ms", local);
        time.put("offset_ms", cluster.clusterTimeMillis() - local);
        String reason = cluster.notReadyReason();
        out.put("ready", reason == null);
        if (reason != null) {
            out.put("reason", reason);
        }
        out.put("gateway_nodes", cluster.gatewayNodes()); // what the local rate-limit fallback divides a limit by
        List<ClientInfo> clients = cluster.clients();
        out.put("clients", clients.size());
        ArrayNode clientNodes = out.putArray("client_nodes");
        for (ClientInfo c : clients) {
            clientNodes.addObject().put("node", c.nodeName()).put("address", c.address())
                    .put("uuid", c.uuid().toString()).put("local", c.local());
        }
        ObjectNode configSection = config.clusterSection();
        out.set("config", configSection);
        ArrayNode members = out.putArray("members");
        for (MemberInfo m : cluster.members()) {
            ObjectNode member = members.addObject();
            member.put("node", m.nodeName());
            member.put("address", m.address());
            member.put("uuid", m.uuid().toString());
            member.put("local", m.local());
            member.put("build", m.build());
            if (configSection.path("nodes").has(m.nodeName())) {
                member.put("config_version", configSection.path("nodes").path(m.nodeName()).path("version").asLong());
            }
        }
        return out.toString();
    }
}
