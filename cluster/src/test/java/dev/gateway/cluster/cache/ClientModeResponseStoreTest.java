package dev.gateway.cluster.cache;

import dev.gateway.cluster.ClientModeCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The contract on two client-mode nodes of two dedicated members (ports 5782-5783). */
class ClientModeResponseStoreTest extends ResponseStoreContract {
    private static ClientModeCluster cluster;

    @BeforeAll
    static void start() {
        cluster = ClientModeCluster.start("cache-client", List.of(5782, 5783), 2, config -> { });
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void empty() {
        cluster.client(0).getMap(CacheMaps.CACHE_MAP).clear();
    }

    @Override
    protected ResponseStore store() {
        return new HazelcastResponseStore(cluster.client(0), Duration.ofSeconds(2));
    }

    @Override
    protected ResponseStore otherNode() {
        return new HazelcastResponseStore(cluster.client(1), Duration.ofSeconds(2));
    }
}
