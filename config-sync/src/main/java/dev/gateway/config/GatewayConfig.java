package dev.gateway.config;

import dev.gateway.config.internal.Check;

/**
 * A whole config file: this node's bootstrap settings, its cluster settings ({@code null} without a
 * {@code cluster:} section: the node runs alone) and the shared config distributed by the cluster.
 */
public record GatewayConfig(NodeSettings node, ClusterSettings cluster, SharedConfig shared) {
    public GatewayConfig {
        Check.notNull(node, "node");
        Check.notNull(shared, "shared");
    }
}
