package dev.gateway.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import dev.gateway.cluster.member.ClusterClient;
import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The client-mode topology in one JVM, for the contract tests: dedicated members on loopback {@code memberPorts}
 * started the way {@code gateway-node member} starts them ({@link SharedMaps}), and client-mode nodes connected to
 * them the way {@link GatewayCluster#start} connects one ({@link ClusterClient}). A cluster name unique per start.
 */
public final class ClientModeCluster implements AutoCloseable {
    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    private final List<ClusterMember> members;
    private final List<ClusterClient> clients;

    private ClientModeCluster(List<ClusterMember> members, List<ClusterClient> clients) {
        this.members = members;
        this.clients = clients;
    }

    /** Members with one backup and min-size 1; {@code memberExtra} runs on each member's config after the shared maps. */
    public static ClientModeCluster start(String prefix, List<Integer> memberPorts, int clients,
                                          Consumer<Config> memberExtra) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        List<HostPort> addresses = memberPorts.stream().map(port -> new HostPort("127.0.0.1", port)).toList();
        List<ClusterMember> started = new ArrayList<>();
        List<ClusterClient> connected = new ArrayList<>();
        try {
            for (int port : memberPorts) {
                ClusterSettings settings = new ClusterSettings(name, new HostPort("127.0.0.1", port),
                        new Discovery(addresses, null), memberPorts.size(), 1, true, 1);
                started.add(ClusterMember.start(settings, "member-" + port, config -> {
                    SharedMaps.register(config, settings);
                    config.setProperty("hazelcast.shutdownhook.enabled", "false");
                    memberExtra.accept(config);
                }));
            }
            ClusterSettings client = clientSettings(name, addresses);
            for (int i = 0; i < clients; i++) {
                connected.add(ClusterClient.start(client, "gw-client-" + i, config -> SharedMaps.register(config, client)));
            }
        } catch (RuntimeException e) {
            new ClientModeCluster(started, connected).close();
            throw e;
        }
        return new ClientModeCluster(started, connected);
    }

    /** The {@code cluster:} section of a client-mode node of these members. */
    public static ClusterSettings clientSettings(String name, List<HostPort> members) {
        return new ClusterSettings(name, ClusterSettings.DEFAULT_LISTEN, new Discovery(members, null), members.size(),
                1, true, 1, ClusterSettings.Mode.CLIENT);
    }

    public HazelcastInstance member(int index) {
        return members.get(index).hazelcast();
    }

    public int memberCount() {
        return members.size();
    }

    public HazelcastInstance client(int index) {
        return clients.get(index).hazelcast();
    }

    public ClusterClient clientConnection(int index) {
        return clients.get(index);
    }

    @Override
    public void close() {
        clients.forEach(ClusterClient::close);
        members.forEach(m -> m.hazelcast().getLifecycleService().terminate());
    }
}
