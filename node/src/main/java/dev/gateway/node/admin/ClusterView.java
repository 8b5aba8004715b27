package dev.gateway.node.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.cluster.GatewayCluster;
import dev.gateway.cluster.member.MemberInfo;
import dev.gateway.limiter.Ticker;

/**
 * {@code GET /admin/cluster}: the members as this node sees them, which one it is, whether it
 * is on the majority side and its partitions are backed up, and the config version each node runs. {@code topology}
 * is {@code embedded} or {@code client} ({@code cluster.mode}): a client-mode node lists the dedicated members (it is
 * not one of them), its {@code size} counts them, and {@code local_partitions_safe} is always true (it holds
 * nothing); a member-holding node adds {@code clients}, the client-mode nodes connected to its member.
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
        int clients = cluster.connectedClients();
        if (clients >= 0) {
            out.put("clients", clients); // client-mode nodes connected to this node's member
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
            if (configSection.path("nodes").has(m.nodeName())) {
                member.put("config_version", configSection.path("nodes").path(m.nodeName()).path("version").asLong());
            }
        }
        return out.toString();
    }
}
