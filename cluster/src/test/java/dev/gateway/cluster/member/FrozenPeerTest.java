package dev.gateway.cluster.member;

import static dev.gateway.cluster.member.MemberTestSupport.ports;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.cluster.Address;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.server.ServerConnectionManager;
import com.hazelcast.map.IMap;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer whose JVM is frozen (SIGSTOP, a long GC pause, a suspended VM) still has a kernel that accepts TCP
 * connections and buffers what is sent, but never answers. On Hazelcast 5.7 a member connection that waits for the
 * peer's protocol bytes with its handshake queued makes its output I/O thread spin without ever selecting again,
 * which stalls every other connection of that thread that has to wait for socket space: the live members lose
 * each other (the Docker SIGSTOP scenario). A plain listening socket that never accepts stands in for the frozen
 * JVM; one output I/O thread, as on a 2-core node; 1 MiB writes make sure the other connection needs socket space.
 */
class FrozenPeerTest {
    /** Larger than a socket send buffer: the write to the other member cannot finish without OP_WRITE. */
    private static final int BIG_VALUE_BYTES = 1 << 20;

    private List<ClusterMember> members = List.of();
    private ServerSocket frozen;

    @AfterEach
    void stop() throws IOException {
        MemberTestSupport.terminateAll(members);
        if (frozen != null) {
            frozen.close();
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void twoMembersKeepEachOtherFor20SecondsWhileTheThirdConfiguredPeerAcceptsAndNeverAnswers() throws IOException {
        List<Integer> ports = ports(5961, 3);
        String name = MemberTestSupport.uniqueClusterName("frozen");
        // one output I/O thread, as on a 2-core node, whatever this machine has
        members = List.of(
                ClusterMember.start(MemberTestSupport.staticCluster(name, ports.get(0), 2, ports), "gw-a",
                        config -> config.setProperty("hazelcast.io.thread.count", "1")),
                ClusterMember.start(MemberTestSupport.staticCluster(name, ports.get(1), 2, ports), "gw-b",
                        config -> config.setProperty("hazelcast.io.thread.count", "1")));
        ClusterMember master = members.get(0);
        await().atMost(Duration.ofSeconds(20)).until(() -> members.stream().allMatch(m -> m.size() == 2));
        // the third peer freezes: its port listens and its backlog completes the TCP handshake, nothing ever
        // reads or writes (a JVM stopped by SIGSTOP does not call accept either)
        frozen = new ServerSocket(ports.get(2), 50, InetAddress.getLoopbackAddress());

        IMap<Integer, byte[]> map = master.hazelcast().getMap("frozen-peer-traffic");
        byte[] big = new byte[BIG_VALUE_BYTES];
        AtomicInteger key = new AtomicInteger();
        // the master's merge search runs every 5 s: 20 s covers at least three rounds
        await().during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                .until(() -> members.stream().allMatch(m -> m.size() == 2)
                        && bigWriteCompletes(map, key.getAndIncrement() % 16, big));
        assertThat(members).allMatch(ClusterMember::hasQuorum);
    }

    /**
     * Hazelcast dials any address it has to send to and has no connection with: a response or backup to a member
     * that has just left (the Docker scenario's other live member), not only the merge search. Here the master
     * dials the frozen peer directly, as its send path does.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDialToAFrozenPeerOutsideJoinAndMergeIsClosedBeforeItCostsTheClusterAMember() throws Exception {
        List<Integer> ports = ports(5964, 3);
        String name = MemberTestSupport.uniqueClusterName("frozen-dial");
        List<Integer> listed = ports.subList(0, 2); // the frozen peer is not even listed: only sends reach it
        members = List.of(
                ClusterMember.start(MemberTestSupport.staticCluster(name, ports.get(0), 2, listed), "gw-a",
                        config -> config.setProperty("hazelcast.io.thread.count", "1")),
                ClusterMember.start(MemberTestSupport.staticCluster(name, ports.get(1), 2, listed), "gw-b",
                        config -> config.setProperty("hazelcast.io.thread.count", "1")));
        ClusterMember master = members.get(0);
        await().atMost(Duration.ofSeconds(20)).until(() -> members.stream().allMatch(m -> m.size() == 2));
        frozen = new ServerSocket(ports.get(2), 50, InetAddress.getLoopbackAddress());
        ServerConnectionManager connections = ((HazelcastInstanceProxy) master.hazelcast()).getOriginal().node
                .getServer().getConnectionManager(EndpointQualifier.MEMBER);
        Address frozenAddress = new Address("127.0.0.1", ports.get(2));

        IMap<Integer, byte[]> map = master.hazelcast().getMap("frozen-dial-traffic");
        byte[] big = new byte[BIG_VALUE_BYTES];
        AtomicInteger key = new AtomicInteger();
        // a dial every 2 s, as a member keeps sending to a departed one for a while
        await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (key.get() % 8 == 0) {
                        connections.getOrConnect(frozenAddress, true);
                    }
                    return members.stream().allMatch(m -> m.size() == 2)
                            && bigWriteCompletes(map, key.getAndIncrement() % 16, big);
                });
        assertThat(members).allMatch(ClusterMember::hasQuorum);
    }

    private static boolean bigWriteCompletes(IMap<Integer, byte[]> map, int key, byte[] value)
            throws InterruptedException {
        try {
            map.setAsync(key, value).toCompletableFuture().get(3, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }
}
