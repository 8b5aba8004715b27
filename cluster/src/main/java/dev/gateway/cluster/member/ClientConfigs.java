package dev.gateway.cluster.member;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.client.config.ClientNetworkConfig;
import com.hazelcast.client.config.ConnectionRetryConfig;
import com.hazelcast.config.SerializationConfig;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Kubernetes;
import java.util.Map;
import java.util.Objects;

/**
 * Translates a {@code mode: client} {@code cluster:} section into the Hazelcast {@link ClientConfig} a client-mode
 * node runs with. Its serialization config is the members' ({@link ClusterClient#start}'s caller passes the one the
 * member config registers), so both ends know the same factories and the same deserialization allow-list.
 */
final class ClientConfigs {
    /**
     * Client properties, each mirroring the member's ({@code MemberConfig#PROPERTIES}) for the same reason: a dead
     * member is noticed after 5 s without heartbeat (default 60 s); an invocation that meets a partition in
     * migration or a lost connection is retried after 50 ms (default 1 s), so a check still answers within its
     * budget during a rolling restart of the members; a write whose backup does not acknowledge completes after
     * 250 ms (default 5 s: the client waits for backup acks itself, smart routing).
     */
    static final Map<String, String> PROPERTIES = Map.of(
            "hazelcast.client.heartbeat.interval", "1000",
            "hazelcast.client.heartbeat.timeout", "5000",
            "hazelcast.client.invocation.retry.pause.millis", "50",
            "hazelcast.client.operation.backup.timeout.millis", "250",
            "hazelcast.client.statistics.enabled", "false");

    /** Longest pause between attempts to reach a member again (default 30 s). */
    static final int MAX_RECONNECT_BACKOFF_MILLIS = 2_000;

    private ClientConfigs() {
    }

    static ClientConfig build(ClusterSettings settings, String nodeName, SerializationConfig serialization) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(serialization, "serialization");
        if (settings.mode() != ClusterSettings.Mode.CLIENT) {
            throw new IllegalArgumentException("cluster.mode: " + settings.mode().configName() + " (expected: client)");
        }
        ClientConfig config = new ClientConfig();
        config.setClusterName(settings.name());
        config.setInstanceName(nodeName + "-client");
        config.addLabel(ClusterMember.NODE_NAME_ATTRIBUTE + "=" + nodeName);
        PROPERTIES.forEach(config::setProperty);
        config.setProperty("hazelcast.logging.type", MemberConfig.slf4jPresent() ? "slf4j" : "jdk");
        config.setSerializationConfig(new SerializationConfig(serialization));
        config.setBackupAckToClientEnabled(true);
        ClientNetworkConfig network = config.getNetworkConfig();
        network.setSmartRouting(true); // each key's call goes straight to its owner: one hop
        network.setRedoOperation(false); // a rate-limit check is not idempotent; the caller's fallback decides
        Kubernetes kubernetes = settings.discovery().kubernetes();
        if (kubernetes != null) {
            network.getKubernetesConfig().setEnabled(true).setProperty("service-dns", kubernetes.serviceDns());
            if (kubernetes.servicePort() > 0) {
                network.getKubernetesConfig().setProperty("service-port", Integer.toString(kubernetes.servicePort()));
            }
        } else {
            settings.discovery().staticMembers().forEach(member -> network.addAddress(member.toString()));
        }
        // Start blocks until a member answers (a node without its members has nothing to serve with); after that a
        // lost cluster is retried for ever, the node not ready meanwhile, never shut down.
        ClientConnectionStrategyConfig strategy = config.getConnectionStrategyConfig()
                .setAsyncStart(false)
                .setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ON);
        ConnectionRetryConfig retry = strategy.getConnectionRetryConfig();
        retry.setClusterConnectTimeoutMillis(-1)
                .setInitialBackoffMillis(100)
                .setMaxBackoffMillis(MAX_RECONNECT_BACKOFF_MILLIS)
                .setMultiplier(2)
                .setJitter(0.2);
        return config;
    }
}
