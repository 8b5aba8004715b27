package dev.gateway.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import dev.gateway.config.Kubernetes;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code cluster.discovery.kubernetes} in the Hazelcast configs the gateway generates: Hazelcast's built-in
 * Kubernetes discovery, in DNS lookup mode (as Hazelcast itself reads the properties), for a member and for a
 * client-mode node, and no other way of finding peers.
 */
class KubernetesDiscoveryConfigTest {
    private static final Kubernetes DNS = new Kubernetes("gateway-members.gateway.svc.cluster.local", 5701);
    private static final ClusterSettings MEMBER = new ClusterSettings("gateway", new HostPort("0.0.0.0", 5701),
            new Discovery(List.of(), null, DNS), 3, 2, false, 1);

    @Test
    void aMemberJoinsThroughTheHeadlessServicesDnsName() throws Exception {
        Config config = MemberConfig.build(MEMBER, "gateway-members-0");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.verify();
        assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
        assertThat(join.getKubernetesConfig().getProperties())
                .containsExactlyInAnyOrderEntriesOf(Map.of("service-dns", DNS.serviceDns(), "service-port", "5701"));
        assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
        assertThat(join.getDiscoveryConfig().getDiscoveryStrategyConfigs()).isEmpty();
        assertThat(config.getNetworkConfig().getPort()).isEqualTo(5701);
        assertThat(config.getNetworkConfig().getPublicAddress()).as("the pod IP, found by Hazelcast").isNull();
        assertThat(hazelcastsReading(join.getKubernetesConfig())).isEqualTo("DNS_LOOKUP " + DNS.serviceDns() + " 5701");
    }

    @Test
    void aClientModeNodeFindsTheMembersTheSameWay() throws Exception {
        ClusterSettings client = MEMBER.withMode(ClusterSettings.Mode.CLIENT);
        ClientConfig config = ClientConfigs.build(client, "gw-0", new Config().getSerializationConfig());
        KubernetesConfig kubernetes = config.getNetworkConfig().getKubernetesConfig();
        assertThat(kubernetes.isEnabled()).isTrue();
        assertThat(kubernetes.getProperties()).containsEntry("service-dns", DNS.serviceDns());
        assertThat(config.getNetworkConfig().getAddresses()).isEmpty();
        assertThat(config.getNetworkConfig().isSmartRouting()).isTrue();
        assertThat(hazelcastsReading(kubernetes)).isEqualTo("DNS_LOOKUP " + DNS.serviceDns() + " 5701");
    }

    @Test
    void aClientModeNodeWithMembersDialsThemAndSharesTheMembersSerialization() {
        ClusterSettings client = new ClusterSettings("gateway", ClusterSettings.DEFAULT_LISTEN,
                new Discovery(List.of(new HostPort("10.0.0.5", 5701), new HostPort("10.0.0.6", 5701)), null), 2, 2,
                false, 1, ClusterSettings.Mode.CLIENT);
        Config member = new Config();
        member.getSerializationConfig().setJavaSerializationFilterConfig(MemberConfig.deserializationFilter());
        dev.gateway.cluster.limits.RateLimitMaps.register(member, java.time.Duration.ZERO, 1);
        ClientConfig config = ClientConfigs.build(client, "gw-0", member.getSerializationConfig());
        assertThat(config.getNetworkConfig().getAddresses()).containsExactly("10.0.0.5:5701", "10.0.0.6:5701");
        assertThat(config.getNetworkConfig().getKubernetesConfig().isEnabled()).isFalse();
        assertThat(config.getSerializationConfig().getDataSerializableFactories())
                .isEqualTo(member.getSerializationConfig().getDataSerializableFactories());
        assertThat(config.getSerializationConfig().getJavaSerializationFilterConfig())
                .isEqualTo(member.getSerializationConfig().getJavaSerializationFilterConfig());
        assertThat(config.getClusterName()).isEqualTo("gateway");
    }

    /** Hazelcast's own reading of the properties ({@code com.hazelcast.kubernetes.KubernetesConfig}, package-private). */
    private static String hazelcastsReading(KubernetesConfig config) throws Exception {
        Class<?> type = Class.forName("com.hazelcast.kubernetes.KubernetesConfig");
        Constructor<?> constructor = type.getDeclaredConstructor(Map.class);
        constructor.setAccessible(true);
        // typed as Hazelcast types them, through the discovery factory's property definitions
        Map<String, Comparable> typed = new HashMap<>();
        for (var definition : new com.hazelcast.kubernetes.HazelcastKubernetesDiscoveryStrategyFactory()
                .getConfigurationProperties()) {
            String value = config.getProperty(definition.key());
            if (value != null) {
                typed.put(definition.key(), definition.typeConverter().convert(value));
            }
        }
        Object read = constructor.newInstance(typed);
        return call(type, read, "getMode") + " " + call(type, read, "getServiceDns") + " "
                + call(type, read, "getServicePort");
    }

    private static Object call(Class<?> type, Object target, String name) throws Exception {
        Method method = type.getDeclaredMethod(name);
        method.setAccessible(true);
        return method.invoke(target);
    }
}
