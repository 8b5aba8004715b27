package dev.gateway.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A client-mode node's views of two dedicated members (ports 5966-5967): ready while connected and seeing
 * {@code min-size} members, not ready (with the reason) when they are too few or gone; nothing to hand over; the
 * owner of a key named; the members see it as a connected client, and it learns the clients from them (itself).
 */
class ClusterClientTest {
    private static final List<Integer> PORTS = MemberTestSupport.ports(5966, 2);

    @Test
    void readinessFollowsTheConnectionAndTheMembersQuorum() {
        String name = MemberTestSupport.uniqueClusterName("client-views");
        List<ClusterMember> members = MemberTestSupport.startAll(name, 2, PORTS, config -> { });
        ClusterSettings settings = new ClusterSettings(name, ClusterSettings.DEFAULT_LISTEN,
                new Discovery(PORTS.stream().map(p -> new HostPort("127.0.0.1", p)).toList(), null), 2, 2, false, 1,
                ClusterSettings.Mode.CLIENT);
        try (ClusterClient client = ClusterClient.start(settings, "gw-c", config -> { })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.size() == 2);
            assertThat(client.notReadyReason()).isNull();
            assertThat(client.hasQuorum()).isTrue();
            assertThat(client.localPartitionsSafe()).as("a client holds no partition").isTrue();
            assertThat(client.members()).extracting(MemberInfo::nodeName).containsExactly("gw-5966", "gw-5967");
            assertThat(client.members()).noneMatch(MemberInfo::local);
            assertThat(client.replicasOf("some-key", 1)).singleElement().isIn("gw-5966", "gw-5967");
            assertThat(client.connectedClients()).isEqualTo(-1);
            assertThat(client.clockMeasured()).as("asked a member for its time at start").isTrue();
            assertThat(Math.abs(client.clockOffsetMillis())).as("one machine: one clock").isLessThan(1_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> members.get(0).connectedClients() == 1);
            assertThat(members.get(0).clients()).singleElement()
                    .satisfies(c -> assertThat(c.nodeName()).isEqualTo("gw-c"))
                    .satisfies(c -> assertThat(c.local()).as("a member is no client").isFalse());
            await("the client asks the members for their clients").atMost(Duration.ofSeconds(10))
                    .until(() -> client.clients().size() == 1);
            assertThat(client.clients()).singleElement()
                    .satisfies(c -> assertThat(c.nodeName()).isEqualTo("gw-c"))
                    .satisfies(c -> assertThat(c.local()).as("itself").isTrue());

            AtomicInteger changes = new AtomicInteger();
            ClusterMember.Subscription subscription = client.addMembershipListener(changes::incrementAndGet);
            members.get(1).hazelcast().getLifecycleService().terminate();
            await().atMost(Duration.ofSeconds(20)).until(() -> client.size() == 1);
            assertThat(client.notReadyReason()).isEqualTo("cluster below min-size (1 of 2)");
            assertThat(client.hasQuorum()).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() >= 1);
            subscription.close();

            members.get(0).hazelcast().getLifecycleService().terminate();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> ("cluster client is not connected to cluster '" + name + "'").equals(client.notReadyReason()));
            assertThat(client.clients()).as("cut off, the last list the members gave stays").hasSize(1);
        } finally {
            MemberTestSupport.terminateAll(members);
        }
    }
}
