package dev.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code cluster.mode} and {@code cluster.discovery.kubernetes}: defaults, values, errors with their paths, round trip. */
class ClusterModeConfigTest {
    private static GatewayConfig parse(String yaml) throws ConfigException {
        return ConfigCodec.parse(yaml, name -> null);
    }

    private static List<String> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e).as("expected a ConfigException for:\n%s", yaml).isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void embeddedByDefault() throws Exception {
        ClusterSettings cluster = parse("cluster: {discovery: {static: ['127.0.0.1:5701']}}\n").cluster();
        assertThat(cluster.mode()).isEqualTo(ClusterSettings.Mode.EMBEDDED);
        assertThat(cluster.discovery().kubernetes()).isNull();
    }

    @Test
    void clientModeWithMembersRoundTrips() throws Exception {
        GatewayConfig config = parse("cluster: {mode: client, members: ['127.0.0.1:5701', '127.0.0.1:5702',"
                + " '127.0.0.1:5703']}\n");
        assertThat(config.cluster().mode()).isEqualTo(ClusterSettings.Mode.CLIENT);
        assertThat(config.cluster().expectedSize()).as("the members listed").isEqualTo(3);
        String yaml = ConfigCodec.toYaml(config);
        assertThat(yaml.substring(yaml.indexOf("cluster:"))).contains("mode: client").contains("members:")
                .doesNotContain("discovery").doesNotContain("listen");
        assertThat(parse(yaml).cluster()).isEqualTo(config.cluster());
    }

    @Test
    void kubernetesDiscoveryRoundTrips() throws Exception {
        GatewayConfig config = parse("cluster:\n  mode: client\n  discovery:\n    kubernetes: {service-dns:"
                + " gateway-members.gw.svc.cluster.local, service-port: 5701}\n  expected-size: 3\n");
        assertThat(config.cluster().discovery().kubernetes())
                .isEqualTo(new Kubernetes("gateway-members.gw.svc.cluster.local", 5701));
        assertThat(config.cluster().discovery().staticMembers()).isEmpty();
        String yaml = ConfigCodec.toYaml(config);
        assertThat(yaml).contains("service-dns: gateway-members.gw.svc.cluster.local");
        assertThat(parse(yaml).cluster()).isEqualTo(config.cluster());
    }

    @Test
    void badValuesNameTheirPath() {
        assertThat(errors("cluster: {mode: sidecar, discovery: {static: ['127.0.0.1:5701']}}\n"))
                .containsExactly("cluster.mode: 'sidecar' (expected: embedded or client)");
        assertThat(errors("cluster: {mode: client, discovery: {multicast: {group: 224.2.2.3, port: 54327}},"
                + " expected-size: 3}\n")).singleElement().asString()
                .startsWith("cluster.discovery.multicast: not used with mode: client");
        assertThat(errors("cluster: {mode: client, discovery: {static: ['127.0.0.1:5701']}}\n")).containsExactly(
                "cluster.discovery.static: not used with mode: client (expected: cluster.members, or discovery.kubernetes)");
        assertThat(errors("cluster: {mode: client}\n")).singleElement().asString()
                .startsWith("cluster.members: is required with mode: client");
        assertThat(errors("cluster: {mode: client, members: []}\n"))
                .containsExactly("cluster.members: [] (expected: at least one member host:port)");
        assertThat(errors("cluster: {mode: client, listen: '127.0.0.1:5701', members: ['127.0.0.1:5701']}\n"))
                .singleElement().asString().startsWith("cluster.listen: not used with mode: client");
        assertThat(errors("cluster: {members: ['127.0.0.1:5701']}\n")).singleElement().asString()
                .startsWith("cluster.members: only with mode: client");
        assertThat(errors("cluster: {discovery: {kubernetes: {service-dns: members.svc}}}\n")).singleElement()
                .asString().startsWith("cluster.expected-size: required with kubernetes discovery");
        assertThat(errors("cluster: {discovery: {kubernetes: {}}, expected-size: 3}\n"))
                .containsExactly("cluster.discovery.kubernetes.service-dns: is required");
        assertThat(errors("cluster: {discovery: {kubernetes: {service-dns: 'a b'}}, expected-size: 3}\n"))
                .singleElement().asString().startsWith("cluster.discovery.kubernetes: service-dns: 'a b'");
        assertThat(errors("cluster: {discovery: {static: ['127.0.0.1:5701'], kubernetes: {service-dns: m.svc}},"
                + " expected-size: 3}\n"))
                .containsExactly("cluster.discovery: expected exactly one of: static, multicast, kubernetes");
    }
}
