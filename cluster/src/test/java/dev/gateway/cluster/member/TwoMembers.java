package dev.gateway.cluster.member;

import com.hazelcast.config.Config;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Two members of one fresh cluster on two loopback ports (each test class its own pair), configured by
 * {@code register} (the maps under test): the set-up of the contract tests that run on a real two-member cluster.
 */
public final class TwoMembers implements AutoCloseable {
    private final ClusterMember first;
    private final ClusterMember second;

    private TwoMembers(ClusterMember first, ClusterMember second) {
        this.first = first;
        this.second = second;
    }

    /** Starts both; the cluster's name is {@code prefix} and a random suffix. */
    public static TwoMembers start(String prefix, int firstPort, int secondPort, Consumer<Config> register) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        List<HostPort> members = List.of(new HostPort("127.0.0.1", firstPort), new HostPort("127.0.0.1", secondPort));
        ClusterMember first = start(name, firstPort, members, register);
        try {
            return new TwoMembers(first, start(name, secondPort, members, register));
        } catch (RuntimeException e) {
            first.hazelcast().getLifecycleService().terminate();
            throw e;
        }
    }

    private static ClusterMember start(String name, int port, List<HostPort> members, Consumer<Config> register) {
        return ClusterMember.start(new ClusterSettings(name, new HostPort("127.0.0.1", port), new Discovery(members, null),
                2, 1, true), "gw-" + port, register);
    }

    public ClusterMember first() {
        return first;
    }

    public ClusterMember second() {
        return second;
    }

    /** Terminates both (no graceful hand-over: the tests are done with the data). */
    @Override
    public void close() {
        first.hazelcast().getLifecycleService().terminate();
        second.hazelcast().getLifecycleService().terminate();
    }
}
