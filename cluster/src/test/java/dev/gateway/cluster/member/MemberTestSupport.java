package dev.gateway.cluster.member;

import com.hazelcast.config.Config;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Starting members for tests: loopback only, ports from 5900-5999 (each test class owns a few), a unique
 * cluster name per test so that members of concurrently running tests never merge.
 */
final class MemberTestSupport {
    static {
        // slf4j-simple (test scope) reads these when the first logger is created, i.e. when a member starts
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    }

    private MemberTestSupport() {
    }

    static String uniqueClusterName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A static-discovery cluster listing every one of {@code ports} on 127.0.0.1. */
    static ClusterSettings staticCluster(String name, int listenPort, int minSize, List<Integer> ports) {
        List<HostPort> members = ports.stream().map(port -> new HostPort("127.0.0.1", port)).toList();
        return new ClusterSettings(name, new HostPort("127.0.0.1", listenPort), new Discovery(members, null),
                ports.size(), minSize, true);
    }

    static List<Integer> ports(int first, int count) {
        return IntStream.range(first, first + count).boxed().toList();
    }

    /**
     * Starts one member per port, named {@code gw-<port>}, one after the other: members started all at once
     * race for mastership, which took about 5 s longer here than joining one by one.
     */
    static List<ClusterMember> startAll(String name, int minSize, List<Integer> ports, Consumer<Config> customizer) {
        List<ClusterMember> started = new ArrayList<>();
        try {
            for (int port : ports) {
                started.add(ClusterMember.start(staticCluster(name, port, minSize, ports), "gw-" + port, customizer));
            }
            return started;
        } catch (RuntimeException e) {
            terminateAll(started);
            throw e;
        }
    }

    /** Stops members the fast way (no partition handover): for test cleanup. */
    static void terminateAll(List<ClusterMember> members) {
        for (ClusterMember member : members) {
            member.hazelcast().getLifecycleService().terminate();
        }
    }
}
