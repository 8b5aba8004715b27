package dev.gateway.cluster.config;

import dev.gateway.cluster.ClientModeCluster;
import dev.gateway.config.feed.ConfigFeed;
import dev.gateway.config.feed.ConfigFeedContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The contract on two client-mode nodes of two dedicated members (ports 5766-5767). */
class ClientModeConfigFeedTest extends ConfigFeedContract {
    private static ClientModeCluster cluster;
    private HazelcastConfigFeed feed;
    private HazelcastConfigFeed other;

    @BeforeAll
    static void start() {
        cluster = ClientModeCluster.start("feed-client", List.of(5766, 5767), 2, config -> { });
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void emptyFeed() {
        cluster.client(0).getMap(ConfigMaps.CONFIG_MAP).clear();
        feed = new HazelcastConfigFeed(cluster.client(0), Duration.ofSeconds(5), Duration.ofMillis(200));
        other = new HazelcastConfigFeed(cluster.client(1), Duration.ofSeconds(5), Duration.ofMillis(200));
    }

    @AfterEach
    void closeFeeds() {
        feed.close();
        other.close();
    }

    @Override
    protected ConfigFeed feed() {
        return feed;
    }

    @Override
    protected ConfigFeed otherNode() {
        return other;
    }
}
