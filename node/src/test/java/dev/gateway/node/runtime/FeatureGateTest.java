package dev.gateway.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gateway.config.GatewayConfig;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.UnsupportedFeatureException;
import dev.gateway.node.support.TestConfigs;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A node refuses to start on a config it cannot honour, naming every such part by its config path. */
class FeatureGateTest {
    private static final String UPSTREAM = "upstreams:\n  u: {targets: [\"http://127.0.0.1:9\"]}\n";
    private static final String ROUTE = "routes:\n  - {id: r, match: {path: /**}, upstream: u";

    static Stream<Arguments> unsupportedConfigs() {
        return Stream.of(
                Arguments.of("cache", UPSTREAM + ROUTE + ", cache: {ttl: 30s}}\n",
                        new String[] {"routes[0].cache (caching)"}),
                Arguments.of("aggregate", UPSTREAM + "routes:\n  - {id: r, match: {path: /agg}, aggregate: "
                                + "{a: {upstream: u, path: /a}}}\n",
                        new String[] {"routes[0].aggregate (request aggregation)"}),
                Arguments.of("https target", "upstreams:\n  u: {targets: [\"https://127.0.0.1:9443\"]}\n" + ROUTE + "}\n",
                        new String[] {"upstreams.u.targets: https (upstream TLS)"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsupportedConfigs")
    void unsupportedFeatureStopsTheNodeFromStartingAndNamesThePath(String feature, String shared, String[] expected) {
        GatewayConfig config = TestConfigs.withDefaults(shared);

        UnsupportedFeatureException e = catchThrowableOfType(UnsupportedFeatureException.class,
                () -> GatewayNode.start(config).close());

        assertThat(e).as("GatewayNode.start with %s", feature).isNotNull();
        assertThat(e.features()).containsExactlyInAnyOrder(expected);
        for (String path : expected) {
            assertThat(e.getMessage()).contains(path);
        }
    }

    @Test
    void everyUnsupportedPartIsListedAtOnce() {
        GatewayConfig config = TestConfigs.withDefaults(
                "upstreams:\n  u: {targets: [\"https://127.0.0.1:9\"], retries: {attempts: 2}}\n"
                + "routes:\n"
                + "  - {id: a, match: {path: /a/**}, upstream: u}\n"
                + "  - {id: b, match: {path: /b/**}, upstream: u, cache: {ttl: 1s}}\n");

        assertThat(FeatureGate.unsupported(config)).containsExactly(
                "upstreams.u.targets: https (upstream TLS)", "routes[1].cache (caching)");
    }

    @Test
    void aPlainProxyConfigIsFullySupported() {
        GatewayConfig config = TestConfigs.withDefaults(UPSTREAM + ROUTE
                + ", rewrite: {strip-prefix: /api}, timeout: 2s, request: {correlation-id: X-Request-Id}}\n");

        assertThat(FeatureGate.unsupported(config)).isEmpty();
    }

    @Test
    void refusingToStartLeavesNoListenerBehind() throws Exception {
        int port = TestConfigs.closedPort();
        GatewayConfig config = TestConfigs.parse("node: {name: gw-test, listen: 127.0.0.1:" + port
                + ", admin: {listen: 127.0.0.1:0}}\n" + TestConfigs.OBSERVABILITY + UPSTREAM + ROUTE + ", cache: {ttl: 1s}}\n");

        assertThat(catchThrowableOfType(UnsupportedFeatureException.class, () -> GatewayNode.start(config).close()))
                .isNotNull();
        try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(free.getLocalPort()).isEqualTo(port);
        }
    }
}
