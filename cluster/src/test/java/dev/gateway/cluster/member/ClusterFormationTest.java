package dev.gateway.cluster.member;

import static dev.gateway.cluster.member.MemberTestSupport.ports;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.MapConfig;
import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterFormationTest {
    private List<ClusterMember> members = List.of();

    @AfterEach
    void stop() {
        MemberTestSupport.terminateAll(members);
    }

    @Test
    void threeMembersWithAStaticListFormOneClusterAndSeeEachOthersNames() {
        List<Integer> ports = ports(5901, 3);
        members = MemberTestSupport.startAll(MemberTestSupport.uniqueClusterName("formation"), 2, ports, config -> { });

        await().atMost(Duration.ofSeconds(20)).until(() -> members.stream().allMatch(m -> m.size() == 3));
        for (ClusterMember member : members) {
            assertThat(member.joined()).isTrue();
            assertThat(member.hasQuorum()).isTrue();
            assertThat(member.notReadyReason()).isNull();
            assertThat(member.members()).extracting(MemberInfo::nodeName)
                    .containsExactlyInAnyOrder("gw-5901", "gw-5902", "gw-5903");
            assertThat(member.members()).extracting(MemberInfo::address)
                    .containsExactlyInAnyOrder("127.0.0.1:5901", "127.0.0.1:5902", "127.0.0.1:5903");
            assertThat(member.members()).filteredOn(MemberInfo::local).containsExactly(member.local());
            assertThat(member.local().nodeName()).isEqualTo(member.nodeName());
            assertThat(member.members()).extracting(MemberInfo::build).containsOnly(Build.UNPACKAGED);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> members.stream().allMatch(ClusterMember::partitionsSafe));
        assertThat(members).allMatch(ClusterMember::localPartitionsSafe);
        // who holds an entry: owner first, then one backup on another member, the same answer on every member
        // (once the partition table reached every member)
        for (String key : List.of("up", "quota/*", "k-17")) {
            await(key).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<String> replicas = members.get(0).replicasOf(key, 1);
                assertThat(replicas).as(key).hasSize(2).doesNotHaveDuplicates()
                        .allMatch(name -> name.startsWith("gw-590"));
                assertThat(replicas.get(0)).isEqualTo(members.get(0).ownerOf(key).orElseThrow());
                for (ClusterMember member : members) {
                    assertThat(member.replicasOf(key, 1)).as(member.nodeName()).isEqualTo(replicas);
                    assertThat(member.replicasOf(key, 2)).hasSize(3).startsWith(replicas.toArray(String[]::new));
                }
            });
        }
    }

    @Test
    void closeHandsPartitionsOverAndTheOthersSeeTheDeparture() {
        List<Integer> ports = ports(5904, 3);
        // no backups: only a graceful leave (partitions migrated before the member goes) keeps every entry
        members = MemberTestSupport.startAll(MemberTestSupport.uniqueClusterName("graceful"), 2, ports,
                config -> config.addMapConfig(new MapConfig("no-backup").setBackupCount(0)));
        ClusterMember first = members.get(0);
        ClusterMember leaving = members.get(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> members.stream().allMatch(m -> m.size() == 3));
        AtomicInteger changes = new AtomicInteger();
        ClusterMember.Subscription subscription = first.addMembershipListener(changes::incrementAndGet);

        IMap<Integer, String> map = first.hazelcast().getMap("no-backup");
        IntStream.range(0, 500).forEach(i -> map.set(i, "v" + i));
        assertThat(leaving.hazelcast().getPartitionService().getPartitions())
                .anyMatch(partition -> leaving.local().uuid().equals(partition.getOwner().getUuid()));

        leaving.close();

        assertThat(leaving.joined()).isFalse();
        assertThat(leaving.size()).isZero();
        assertThat(leaving.members()).isEmpty();
        assertThat(leaving.partitionsSafe()).isFalse();
        assertThat(leaving.localPartitionsSafe()).isFalse();
        assertThat(leaving.local().nodeName()).isEqualTo("gw-5906");
        assertThat(leaving.notReadyReason()).isEqualTo("cluster member is not running");
        await().atMost(Duration.ofSeconds(10)).until(() -> first.size() == 2 && members.get(1).size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() > 0);
        assertThat(first.members()).extracting(MemberInfo::nodeName).containsExactlyInAnyOrder("gw-5904", "gw-5905");
        assertThat(first.hasQuorum()).isTrue();
        assertThat(map.size()).isEqualTo(500);
        assertThat(map.get(499)).isEqualTo("v499");

        subscription.close();
        leaving.close(); // idempotent
    }
}
