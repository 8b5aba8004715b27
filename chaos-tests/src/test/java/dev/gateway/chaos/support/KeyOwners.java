package dev.gateway.chaos.support;

import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which member owns a rate-limit bucket's key, asked of the cluster itself: a Hazelcast client connects to
 * the members' loopback ports just long enough to read the partition table. The gateway does not expose
 * ownership (and need not); this lets a test kill exactly the owner of a hot key instead of hoping. The client
 * only reads partition metadata: it owns no partition, touches no map and does not count towards quorum.
 * A bucket's map key is the gateway's bucket name, {@code <policy>/<key>} (e.g. {@code quota/*}).
 */
public final class KeyOwners {
    private KeyOwners() {
    }

    /** The cluster port of the member owning {@code key}'s partition now. */
    public static int ownerClusterPort(String clusterName, List<Integer> clusterPorts, String key) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.logging.type", "none");
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(10_000);
        clusterPorts.forEach(port -> config.getNetworkConfig().addAddress("127.0.0.1:" + port));
        HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
        try {
            AtomicReference<Member> owner = new AtomicReference<>();
            await("the partition owner of " + key).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        owner.set(client.getPartitionService().getPartition(key).getOwner());
                        return owner.get() != null;
                    });
            return owner.get().getAddress().getPort();
        } finally {
            client.shutdown();
        }
    }

    /** The node among {@code candidates} owning {@code key}; fails if none of them does. */
    public static GatewayProcess owner(Gateways gateways, List<GatewayProcess> candidates, String key) {
        return owner(gateways.clusterName(), candidates, key);
    }

    /** The member process (a node, or a dedicated member) among {@code candidates} owning {@code key}. */
    public static GatewayProcess owner(String clusterName, List<GatewayProcess> candidates, String key) {
        List<Integer> ports = candidates.stream().map(n -> n.ports().cluster()).toList();
        int port = ownerClusterPort(clusterName, ports, key);
        return candidates.stream().filter(n -> n.ports().cluster() == port).findFirst()
                .orElseThrow(() -> new AssertionError("owner of " + key + " is on port " + port
                        + ", none of " + candidates));
    }
}
