package dev.gateway.cluster.config;

import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.config.feed.ConfigFeed;
import dev.gateway.config.feed.ConfigFeedContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The {@link ConfigFeed} contract on two members of one cluster, one feed per member. */
class HazelcastConfigFeedTest extends ConfigFeedContract {
    private static ClusterMember first;
    private static ClusterMember second;
    private HazelcastConfigFeed feed;
    private HazelcastConfigFeed other;

    @BeforeAll
    static void startMembers() {
        String name = ConfigMembers.uniqueName("feed");
        first = ConfigMembers.start(name, 5760, List.of(5760, 5761));
        second = ConfigMembers.start(name, 5761, List.of(5760, 5761));
    }

    @AfterAll
    static void stopMembers() {
        ConfigMembers.terminate(first, second);
    }

    @BeforeEach
    void emptyFeed() {
        first.hazelcast().getMap(ConfigMaps.CONFIG_MAP).clear();
        feed = new HazelcastConfigFeed(first.hazelcast(), Duration.ofSeconds(5), Duration.ofMillis(200));
        other = new HazelcastConfigFeed(second.hazelcast(), Duration.ofSeconds(5), Duration.ofMillis(200));
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
