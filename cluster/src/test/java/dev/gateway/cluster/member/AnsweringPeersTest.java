package dev.gateway.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.cluster.Address;
import com.hazelcast.logging.Logger;
import com.hazelcast.spi.discovery.DiscoveryNode;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe and the static list that leaves out who does not answer it, against a real member and raw sockets. */
class AnsweringPeersTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private ClusterMember live;
    private ServerSocket frozen;

    @AfterEach
    void stop() throws IOException {
        if (live != null) {
            MemberTestSupport.terminateAll(List.of(live));
        }
        if (frozen != null) {
            frozen.close();
        }
    }

    @Test
    void aLiveMemberAnswersAFrozenOneAndAClosedPortDoNot() throws IOException {
        live = startAlone(5971);
        // listening, never accepting: a SIGSTOPped JVM's kernel completes the TCP handshake all the same
        frozen = new ServerSocket(5972, 50, InetAddress.getLoopbackAddress());
        ClusterProtocolProbe probe = new ClusterProtocolProbe(TIMEOUT);

        assertThat(probe.answers(new InetSocketAddress("127.0.0.1", 5971))).isTrue();
        long start = System.nanoTime();
        assertThat(probe.answers(new InetSocketAddress("127.0.0.1", 5972))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(2).plusMillis(500));
        assertThat(probe.answers(new InetSocketAddress("127.0.0.1", 5973))).as("nothing listens").isFalse();
        assertThat(probe.answers(InetSocketAddress.createUnresolved("no-such-host.invalid", 5971))).isFalse();
    }

    @Test
    void theListKeepsOnlyThePeersThatAnswerAndNeverThisMember() throws IOException {
        live = startAlone(5974);
        frozen = new ServerSocket(5975, 50, InetAddress.getLoopbackAddress());
        List<HostPort> listed = List.of(HostPort.parse("127.0.0.1:5974"), HostPort.parse("127.0.0.1:5975"),
                HostPort.parse("127.0.0.1:5976"), HostPort.parse("127.0.0.1:5977"),
                HostPort.parse("no-such-host.invalid:5974"));
        // this member listens on 5977 (not started: it is the one asking)
        AnsweringPeers peers = new AnsweringPeers(Logger.getLogger(AnsweringPeers.class), listed,
                HostPort.parse("127.0.0.1:5977"), new ClusterProtocolProbe(TIMEOUT), Set::of);

        List<Address> found = StreamSupport.stream(peers.discoverNodes().spliterator(), false)
                .map(DiscoveryNode::getPrivateAddress).toList();

        assertThat(found).containsExactly(new Address("127.0.0.1", 5974));
    }

    @Test
    void aCurrentMemberIsReturnedWithoutAProbe() throws IOException {
        // the "member" is the frozen socket: a probe would leave it out, membership keeps it
        frozen = new ServerSocket(5978, 50, InetAddress.getLoopbackAddress());
        InetSocketAddress member = new InetSocketAddress("127.0.0.1", 5978);
        AnsweringPeers peers = new AnsweringPeers(Logger.getLogger(AnsweringPeers.class),
                List.of(HostPort.parse("127.0.0.1:5978")), HostPort.parse("127.0.0.1:5979"),
                new ClusterProtocolProbe(TIMEOUT), () -> Set.of(member));

        assertThat(peers.discoverNodes()).extracting(DiscoveryNode::getPrivateAddress)
                .containsExactly(new Address("127.0.0.1", 5978));
    }

    @Test
    void aNameWithSeveralAddressesIsOnePeerPerAddressResolvedOnEveryCall() throws IOException {
        // a compose service scaled to three replicas: "gateway" resolves to each of them; this member is the third
        InetAddress[] replicas = {InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"),
                InetAddress.getByName("127.0.0.3")};
        java.util.concurrent.atomic.AtomicInteger resolved = new java.util.concurrent.atomic.AtomicInteger();
        AnsweringPeers.Resolver dns = host -> {
            if (!host.equals("gateway")) {
                throw new java.net.UnknownHostException(host);
            }
            resolved.incrementAndGet();
            return replicas;
        };
        Set<InetSocketAddress> members = Set.of(new InetSocketAddress(replicas[0], 5980),
                new InetSocketAddress(replicas[1], 5980));
        AnsweringPeers peers = new AnsweringPeers(Logger.getLogger(AnsweringPeers.class),
                List.of(HostPort.parse("gateway:5980")), HostPort.parse("127.0.0.3:5980"),
                new ClusterProtocolProbe(TIMEOUT), () -> members, dns);

        for (int round = 1; round <= 2; round++) {
            assertThat(peers.discoverNodes()).extracting(DiscoveryNode::getPrivateAddress)
                    .containsExactly(new Address("127.0.0.1", 5980), new Address("127.0.0.2", 5980));
        }
        assertThat(resolved).as("resolved again on every merge search").hasValue(2);
    }

    @Test
    void aProbeTimeoutOutsideOneMillisecondToAMinuteIsRefused() {
        assertThatThrownBy(() -> new ClusterProtocolProbe(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout: PT0S (expected: 1 ms to 60 s)");
        assertThatThrownBy(() -> new ClusterProtocolProbe(Duration.ofMinutes(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout: PT2M (expected: 1 ms to 60 s)");
    }

    private static ClusterMember startAlone(int port) {
        HostPort self = new HostPort("127.0.0.1", port);
        ClusterSettings settings = new ClusterSettings(MemberTestSupport.uniqueClusterName("probe"), self,
                new Discovery(List.of(self), null), 1, 1);
        return ClusterMember.start(settings, "gw-" + port);
    }
}
