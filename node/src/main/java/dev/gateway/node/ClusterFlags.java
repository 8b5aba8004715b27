package dev.gateway.node;

import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import java.util.List;

/**
 * The command-line overrides of a config's {@code cluster:} section ({@code --cluster-listen}, {@code --member}),
 * shared by the node and the {@code member} command so the two read them alike: a member list from the flags
 * replaces the file's discovery, and the sizes and backups the file left to their defaults follow that list.
 */
public final class ClusterFlags {
    private ClusterFlags() {
    }

    /**
     * {@code cluster} with the flags applied ({@code null} flags: not given); unchanged when neither is given.
     *
     * @throws IllegalArgumentException when an address does not parse
     */
    public static ClusterSettings apply(ClusterSettings cluster, String clusterListen, List<String> members) {
        if (clusterListen == null && members == null) {
            return cluster;
        }
        Discovery discovery = members == null ? cluster.discovery()
                : new Discovery(members.stream().map(HostPort::parse).toList(), null);
        int expected = cluster.expectedSize() == ClusterSettings.defaultExpectedSize(cluster.discovery())
                ? ClusterSettings.defaultExpectedSize(discovery) : cluster.expectedSize();
        int min = cluster.minSize() == ClusterSettings.defaultMinSize(cluster.expectedSize())
                ? ClusterSettings.defaultMinSize(expected) : Math.min(cluster.minSize(), expected);
        int backups = cluster.backups() == ClusterSettings.defaultBackups(cluster.expectedSize())
                ? ClusterSettings.defaultBackups(expected) : cluster.backups();
        return new ClusterSettings(cluster.name(), clusterListen == null ? cluster.listen() : HostPort.parse(clusterListen),
                discovery, expected, min, cluster.allowMinority(), backups, cluster.mode());
    }
}
