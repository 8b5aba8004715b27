package dev.gateway.cluster.config;

import static dev.gateway.config.feed.ConfigFeedContract.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.config.feed.ConfigFeedUnavailableException;
import dev.gateway.config.feed.ConfigVersion;
import dev.gateway.config.feed.NodeConfigState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two sides of one cluster, each with its own config, merge: every member ends on the higher version, even
 * when it comes from the smaller side (which Hazelcast merges into the larger one, so the default policy would
 * have kept the larger side's lower version).
 */
class ConfigMergeTest {
    private ClusterMember lone;
    private ClusterMember pairA;
    private ClusterMember pairB;
    private HazelcastConfigFeed loneFeed;
    private HazelcastConfigFeed pairFeed;

    @AfterEach
    void stop() {
        if (loneFeed != null) {
            loneFeed.close();
        }
        if (pairFeed != null) {
            pairFeed.close();
        }
        ConfigMembers.terminate(lone, pairA, pairB);
    }

    @Test
    void afterASplitHealsEveryMemberRunsTheHigherVersion() {
        String name = ConfigMembers.uniqueName("merge");
        // The lone member knows of all three; the pair knows only itself: two clusters of one name, as after a
        // partition, until the lone member's split-brain check finds the pair.
        lone = ConfigMembers.start(name, 5763, List.of(5763, 5764, 5765));
        loneFeed = new HazelcastConfigFeed(lone.hazelcast(), Duration.ofSeconds(5), Duration.ofMillis(200));
        ConfigVersion higher = version(7, "lone-side");
        assertThat(loneFeed.publish(higher).accepted()).isTrue();
        new HazelcastAppliedVersions(lone.hazelcast(), Duration.ofSeconds(5))
                .report(new NodeConfigState("gw-5763", 7, higher.sha256(), 0, null, 1));

        pairA = ConfigMembers.start(name, 5764, List.of(5764, 5765));
        pairB = ConfigMembers.start(name, 5765, List.of(5764, 5765));
        pairFeed = new HazelcastConfigFeed(pairA.hazelcast(), Duration.ofSeconds(5), Duration.ofMillis(200));
        ConfigVersion lower = version(4, "pair-side");
        // Until the merge, the pair may or may not already see the lone member; publish only while it does not. The
        // merge may still begin between the check and the publish (seen once in CI: the publish's backup ack never
        // came and it timed out): a publish the cluster could not take is a publish that did not happen, which the
        // merge below must survive just the same.
        if (pairA.size() == 2) {
            try {
                assertThat(pairFeed.publish(lower).accepted()).isTrue();
            } catch (ConfigFeedUnavailableException raceWithTheMerge) {
                System.out.println("the pair's publish met the merge: " + raceWithTheMerge.getMessage());
            }
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> lone.size() == 3 && pairA.size() == 3);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(pairFeed.latest()).contains(higher);
            assertThat(loneFeed.latest()).contains(higher);
        });
        // each map merges on its own: the node states may arrive a moment after the config entry
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(new HazelcastAppliedVersions(pairB.hazelcast(), Duration.ofSeconds(5)).all())
                        .containsKey("gw-5763"));
    }
}
