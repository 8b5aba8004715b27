package dev.gateway.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** min-size 2 of expected 2: a lone member is on a minority side. */
class QuorumTest {
    private static final List<Integer> PORTS = List.of(5921, 5922);
    private static final Consumer<Config> LIMITS_MAP =
            config -> config.addMapConfig(ClusterMember.applyQuorum(new MapConfig("limits")));

    private final String cluster = MemberTestSupport.uniqueClusterName("quorum");
    private final List<ClusterMember> members = new ArrayList<>();

    @AfterEach
    void stop() {
        MemberTestSupport.terminateAll(members);
    }

    @Test
    void quorumFollowsMembershipAndAKilledPeerPutsTheSurvivorOnAMinoritySide() {
        ClusterMember first = start(5921);
        assertThat(first.joined()).isTrue();
        assertThat(first.size()).isEqualTo(1);
        assertThat(first.hasQuorum()).isFalse();
        assertThat(first.notReadyReason()).isEqualTo("cluster below min-size (1 of 2)");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertRefused(first));

        AtomicInteger changes = new AtomicInteger();
        ClusterMember.Subscription subscription = first.addMembershipListener(changes::incrementAndGet);
        ClusterMember second = start(5922);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.hasQuorum() && second.hasQuorum());
        assertThat(first.notReadyReason()).isNull();
        assertThat(second.notReadyReason()).isNull();
        assertThat(changes.get()).isPositive();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> first.hazelcast().getMap("limits").set("k", "v"));

        long killed = System.nanoTime();
        second.hazelcast().getLifecycleService().terminate();
        await().atMost(Duration.ofSeconds(10)).until(() -> !first.hasQuorum());
        Duration detection = Duration.ofNanos(System.nanoTime() - killed);
        System.out.println("QuorumTest: terminated peer left the survivor's view after " + detection.toMillis() + " ms");

        assertThat(first.joined()).isTrue();
        assertThat(first.size()).isEqualTo(1);
        assertThat(first.notReadyReason()).isEqualTo("cluster below min-size (1 of 2)");
        assertThat(first.members()).extracting(MemberInfo::nodeName).containsExactly("gw-5921");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertRefused(first));
        subscription.close();
    }

    private static void assertRefused(ClusterMember member) {
        assertThatThrownBy(() -> member.hazelcast().getMap("limits").set("k", "v"))
                .isInstanceOf(SplitBrainProtectionException.class);
    }

    private ClusterMember start(int port) {
        ClusterMember member = ClusterMember.start(MemberTestSupport.staticCluster(cluster, port, 2, PORTS),
                "gw-" + port, LIMITS_MAP);
        members.add(member);
        return member;
    }
}
