package dev.gateway.cluster.cache;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The contract on two members (ports 5780-5781, this package's). */
class HazelcastResponseStoreTest extends ResponseStoreContract {
    private static ClusterMember first;
    private static ClusterMember second;

    @BeforeAll
    static void startMembers() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        String name = "cache-" + UUID.randomUUID().toString().substring(0, 8);
        first = start(name, 5780);
        second = start(name, 5781);
    }

    private static ClusterMember start(String name, int port) {
        List<HostPort> members = List.of(new HostPort("127.0.0.1", 5780), new HostPort("127.0.0.1", 5781));
        return ClusterMember.start(new ClusterSettings(name, new HostPort("127.0.0.1", port), new Discovery(members, null),
                2, 1, true), "gw-" + port, CacheMaps::register);
    }

    @AfterAll
    static void stopMembers() {
        for (ClusterMember m : new ClusterMember[] {first, second}) {
            if (m != null) {
                m.hazelcast().getLifecycleService().terminate();
            }
        }
    }

    @BeforeEach
    void empty() {
        first.hazelcast().getMap(CacheMaps.CACHE_MAP).clear();
    }

    @Override
    protected ResponseStore store() {
        return new HazelcastResponseStore(first.hazelcast(), Duration.ofSeconds(2));
    }

    @Override
    protected ResponseStore otherNode() {
        return new HazelcastResponseStore(second.hazelcast(), Duration.ofSeconds(2));
    }
}
