package dev.gateway.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import dev.gateway.config.Multicast;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The translation of the {@code cluster:} section into Hazelcast config, without starting anything. */
class MemberConfigTest {
    private static final ClusterSettings STATIC = new ClusterSettings("demo", new HostPort("127.0.0.1", 5701),
            new Discovery(List.of(HostPort.parse("127.0.0.1:5701"), HostPort.parse("127.0.0.1:5702"),
                    HostPort.parse("127.0.0.1:5703")), null), 3, 2);

    @Test
    void listensOnExactlyTheConfiguredInterfaceAndPort() {
        Config config = MemberConfig.build(STATIC, "gw-1");

        assertThat(config.getClusterName()).isEqualTo("demo");
        assertThat(config.getNetworkConfig().getPort()).isEqualTo(5701);
        assertThat(config.getNetworkConfig().isPortAutoIncrement()).isFalse();
        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
        assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
        assertThat(config.getNetworkConfig().getPublicAddress()).isEqualTo("127.0.0.1:5701");
        assertThat(config.getMemberAttributeConfig().getAttribute(ClusterMember.NODE_NAME_ATTRIBUTE)).isEqualTo("gw-1");
        // classes outside the node jar: no manifest version
        assertThat(config.getMemberAttributeConfig().getAttribute(Build.ATTRIBUTE))
                .isEqualTo(Build.UNPACKAGED);
    }

    @Test
    void aSmallMachineGetsOneIoThreadEachWayAndNoResponseThread() {
        Config small = MemberConfig.build(STATIC, "gw-1", 2, name -> null);
        assertThat(small.getProperty("hazelcast.io.thread.count")).isEqualTo("1");
        assertThat(small.getProperty("hazelcast.operation.response.thread.count")).isEqualTo("0");

        Config large = MemberConfig.build(STATIC, "gw-1", 3, name -> null);
        assertThat(large.getProperty("hazelcast.io.thread.count")).isNull();
        assertThat(large.getProperty("hazelcast.operation.response.thread.count")).isNull();
    }

    @Test
    void aThreadCountGivenOnTheCommandLineWinsOnASmallMachine() {
        Config config = MemberConfig.build(STATIC, "gw-1", 1,
                name -> name.equals("hazelcast.io.thread.count") ? "3" : null);

        assertThat(config.getProperty("hazelcast.io.thread.count")).as("left to the system property").isNull();
        assertThat(config.getProperty("hazelcast.operation.response.thread.count")).isEqualTo("0");
    }

    @Test
    void staticDiscoveryUsesTheMemberListAndNothingElse() {
        JoinConfig join = MemberConfig.build(STATIC, "gw-1").getNetworkConfig().getJoin();

        join.verify();
        // the list goes to Hazelcast as a discovery strategy that probes each peer (see AnsweringPeers)
        assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
        assertThat(join.getDiscoveryConfig().getDiscoveryStrategyConfigs()).singleElement()
                .extracting(strategy -> ((AnsweringPeers.Factory) strategy.getDiscoveryStrategyFactory()).peers())
                .isEqualTo(List.of(HostPort.parse("127.0.0.1:5702"), HostPort.parse("127.0.0.1:5703")));
        assertThat(MemberConfig.build(STATIC, "gw-1").getProperty(MemberConfig.DISCOVERY_SPI)).isEqualTo("true");
        assertOnlyOneDiscoveryMechanism(join, 1);
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    }

    @Test
    void multicastDiscoveryUsesTheGroupAndPortAndNothingElse() {
        ClusterSettings settings = new ClusterSettings("demo", new HostPort("127.0.0.1", 5701),
                new Discovery(List.of(), new Multicast("224.2.2.3", 54327)), 1, 1);
        JoinConfig join = MemberConfig.build(settings, "gw-1").getNetworkConfig().getJoin();

        join.verify();
        assertThat(join.getMulticastConfig().isEnabled()).isTrue();
        assertThat(join.getMulticastConfig().getMulticastGroup()).isEqualTo("224.2.2.3");
        assertThat(join.getMulticastConfig().getMulticastPort()).isEqualTo(54327);
        assertThat(join.getMulticastConfig().getMulticastTimeToLive()).isEqualTo(1);
        assertThat(join.getMulticastConfig().getLoopbackModeEnabled()).isTrue();
        assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
        assertOnlyOneDiscoveryMechanism(join, 0);
    }

    @Test
    void aWildcardListenAddressBindsToEveryInterface() {
        ClusterSettings settings = new ClusterSettings("demo", new HostPort("0.0.0.0", 5701),
                new Discovery(List.of(HostPort.parse("10.0.0.1:5701")), null), 1, 1);
        Config config = MemberConfig.build(settings, "gw-1");

        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("true");
        assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isFalse();
        assertThat(config.getNetworkConfig().getPublicAddress()).isNull();
    }

    @Test
    void aStandaloneMemberOnAnyFreePortDialsNobody() {
        ClusterSettings settings = new ClusterSettings("demo", new HostPort("127.0.0.1", 0),
                new Discovery(List.of(new HostPort("127.0.0.1", 0)), null), 1, 1);
        Config config = MemberConfig.build(settings, "gw-1");

        assertThat(config.getNetworkConfig().getPort()).isZero();
        assertThat(config.getNetworkConfig().getPublicAddress()).isNull();
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).isEmpty();
        assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
        assertOnlyOneDiscoveryMechanism(config.getNetworkConfig().getJoin(), 0);
        assertThat(config.getProperty(MemberConfig.DISCOVERY_SPI)).isEqualTo("false");
    }

    @Test
    void housekeepingPropertiesAreSet() {
        Config config = MemberConfig.build(STATIC, "gw-1");

        assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
        assertThat(config.getProperty("hazelcast.shutdownhook.policy")).isEqualTo("GRACEFUL");
        assertThat(config.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("1");
        assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("5");
        assertThat(config.getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("5");
        assertThat(config.getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("5");
        // slf4j-simple is on the test classpath
        assertThat(config.getProperty("hazelcast.logging.type")).isEqualTo("slf4j");
        assertThat(config.getJetConfig().isEnabled()).isFalse();
    }

    @Test
    void deserializationIsLimitedToAnAllowList() {
        JavaSerializationFilterConfig filter = MemberConfig.build(STATIC, "gw-1")
                .getSerializationConfig().getJavaSerializationFilterConfig();

        assertThat(filter).isNotNull();
        assertThat(filter.isDefaultsDisabled()).isTrue();
        var allowed = filter.getWhitelist();
        assertThat(allowed.isListed("dev.gateway.limiter.Anything")).isTrue();
        assertThat(allowed.isListed("io.github.bucket4j.grid.hazelcast.HazelcastEntryProcessor")).isTrue();
        assertThat(allowed.isListed("com.hazelcast.splitbrainprotection.SplitBrainProtectionException")).isTrue();
        assertThat(allowed.isListed("java.lang.IllegalStateException")).isTrue();
        assertThat(allowed.isListed("java.util.ArrayList")).isTrue();
        assertThat(allowed.isListed("java.util.concurrent.atomic.AtomicInteger")).isFalse();
        assertThat(allowed.isListed("java.net.URL")).isFalse();
        assertThat(allowed.isListed("javax.management.BadAttributeValueExpException")).isFalse();
        assertThat(allowed.isListed("org.apache.commons.collections.functors.InvokerTransformer")).isFalse();
        assertThat(allowed.isListed("java.lang.invoke.SerializedLambda")).isFalse();
    }

    @Test
    void splitBrainProtectionRequiresMinSize() {
        Config config = MemberConfig.build(STATIC, "gw-1");
        SplitBrainProtectionConfig quorum = config.getSplitBrainProtectionConfig(ClusterMember.QUORUM_NAME);

        assertThat(quorum.isEnabled()).isTrue();
        assertThat(quorum.getMinimumClusterSize()).isEqualTo(2);
        MapConfig limits = ClusterMember.applyQuorum(new MapConfig("limits"));
        assertThat(limits.getSplitBrainProtectionName()).isEqualTo(ClusterMember.QUORUM_NAME);
    }

    @Test
    void withMinSizeOneTheProtectionExistsButIsOff() {
        ClusterSettings settings = new ClusterSettings("demo", new HostPort("127.0.0.1", 5701),
                new Discovery(List.of(new HostPort("127.0.0.1", 5701)), null), 1, 1);

        SplitBrainProtectionConfig quorum = MemberConfig.build(settings, "gw-1")
                .getSplitBrainProtectionConfig(ClusterMember.QUORUM_NAME);

        assertThat(quorum.isEnabled()).isFalse();
    }

    @Test
    void aListenAddressOfAnotherMachineIsRejectedWithItsPath() {
        ClusterSettings settings = new ClusterSettings("demo", new HostPort("192.0.2.1", 5701),
                new Discovery(List.of(new HostPort("192.0.2.1", 5701)), null), 1, 1);

        assertThatThrownBy(() -> MemberConfig.build(settings, "gw-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cluster.listen: '192.0.2.1:5701' is not an address of this machine"
                        + " (expected: the IP of a local interface, or 0.0.0.0 for all)");
    }

    @Test
    void aBlankNodeNameIsRejected() {
        assertThatThrownBy(() -> MemberConfig.build(STATIC, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nodeName: ' ' (expected: a non-blank name)");
    }

    private static void assertOnlyOneDiscoveryMechanism(JoinConfig join, int strategies) {
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
        assertThat(join.getAwsConfig().isEnabled()).isFalse();
        assertThat(join.getGcpConfig().isEnabled()).isFalse();
        assertThat(join.getAzureConfig().isEnabled()).isFalse();
        assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
        assertThat(join.getEurekaConfig().isEnabled()).isFalse();
        assertThat(join.getDiscoveryConfig().getDiscoveryStrategyConfigs()).hasSize(strategies);
    }
}
