package dev.gateway.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.MapConfig;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BindAddressTest {
    private final List<ClusterMember> members = new ArrayList<>();

    @AfterEach
    void stop() {
        MemberTestSupport.terminateAll(members);
    }

    @Test
    void aMemberBoundToLoopbackAcceptsNoConnectionOnAnyOtherAddress() throws Exception {
        ClusterSettings settings = MemberTestSupport.staticCluster(
                MemberTestSupport.uniqueClusterName("bind"), 5911, 1, List.of(5911));
        ClusterMember member = start(settings, "gw-bind");

        assertThat(member.local().address()).isEqualTo("127.0.0.1:5911");
        assertThat(canConnect(InetAddress.getByName("127.0.0.1"), 5911)).isTrue();
        // Linux routes all of 127/8 to lo: a wildcard-bound socket would accept on 127.0.0.2 as well
        assertThat(canConnect(InetAddress.getByName("127.0.0.2"), 5911)).as("127.0.0.2").isFalse();
        for (InetAddress other : otherLocalAddresses()) {
            assertThat(canConnect(other, 5911)).as(other.toString()).isFalse();
        }
    }

    @Test
    void aStandaloneMemberOnAFreePortRunsAloneAndMinSizeOneNeedsNoQuorum() {
        ClusterSettings settings = new ClusterSettings(MemberTestSupport.uniqueClusterName("alone"),
                new HostPort("127.0.0.1", 0), new Discovery(List.of(new HostPort("127.0.0.1", 0)), null), 1, 1);
        ClusterMember member = start(settings, "gw-alone", config ->
                config.addMapConfig(ClusterMember.applyQuorum(new MapConfig("limits"))));

        assertThat(member.joined()).isTrue();
        assertThat(member.size()).isEqualTo(1);
        assertThat(member.hasQuorum()).isTrue();
        assertThat(member.notReadyReason()).isNull();
        assertThat(member.local().address()).startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:0");
        // the protection the map names exists but is off: operations are not refused
        member.hazelcast().getMap("limits").set("k", "v");
        assertThat(member.hazelcast().getMap("limits").get("k")).isEqualTo("v");
    }

    @Test
    void aPortInUseFailsTheStartWithOneClearLine() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 5941));
            ClusterSettings settings = MemberTestSupport.staticCluster(
                    MemberTestSupport.uniqueClusterName("taken"), 5941, 1, List.of(5941));

            assertThatThrownBy(() -> start(settings, "gw-taken"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cluster member 'gw-taken' on 127.0.0.1:5941 did not start: ")
                    .hasMessageNotContaining("\n");
        }
    }

    private ClusterMember start(ClusterSettings settings, String nodeName) {
        return start(settings, nodeName, config -> { });
    }

    private ClusterMember start(ClusterSettings settings, String nodeName,
                                java.util.function.Consumer<com.hazelcast.config.Config> customizer) {
        ClusterMember member = ClusterMember.start(settings, nodeName, customizer);
        members.add(member);
        return member;
    }

    private static boolean canConnect(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<InetAddress> otherLocalAddresses() throws SocketException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        addresses.add(address);
                    }
                }
            }
        }
        return addresses;
    }
}
