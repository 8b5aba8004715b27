package dev.gateway.cluster.config;

import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import java.util.List;
import java.util.UUID;

/**
 * Members for the config tests: loopback, ports 5760-5769 (this package's), a unique cluster name per test
 * class, the config maps registered.
 */
final class ConfigMembers {
    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    private ConfigMembers() {
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A member on {@code port} that looks for peers on {@code peers} only; {@code min-size} 1. */
    static ClusterMember start(String cluster, int port, List<Integer> peers) {
        List<HostPort> members = peers.stream().map(p -> new HostPort("127.0.0.1", p)).toList();
        ClusterSettings settings = new ClusterSettings(cluster, new HostPort("127.0.0.1", port),
                new Discovery(members, null), peers.size(), 1, true);
        return ClusterMember.start(settings, "gw-" + port, ConfigMaps::register);
    }

    static void terminate(ClusterMember... members) {
        for (ClusterMember m : members) {
            if (m != null) {
                m.hazelcast().getLifecycleService().terminate();
            }
        }
    }
}
