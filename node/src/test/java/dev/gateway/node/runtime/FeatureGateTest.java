package dev.gateway.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gateway.config.GatewayConfig;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.UnsupportedFeatureException;
import dev.gateway.node.support.TestConfigs;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node refuses to start on a config it cannot honour, naming every such part by its config path. Every
 * section of docs/configuration.md is built now; what remains is upstream TLS under the alternative upstream client
 * ({@code -Dgateway.upstream-client=ahc}), which the tests use as their example.
 */
class FeatureGateTest {
    private static final String ROUTE = "routes:\n  - {id: r, match: {path: /**}, upstream: u";
    private static final String HTTPS = "upstreams:\n  u: {targets: [\"https://127.0.0.1:9443\"]}\n";
    private String previous;

    @BeforeEach
    void rememberClient() {
        previous = System.getProperty("gateway.upstream-client");
    }

    @AfterEach
    void restoreClient() {
        if (previous == null) {
            System.clearProperty("gateway.upstream-client");
        } else {
            System.setProperty("gateway.upstream-client", previous);
        }
    }

    @Test
    void everySectionIsSupportedByTheDefaultClient() {
        GatewayConfig config = TestConfigs.withDefaults("""
                upstreams:
                  u:
                    targets: ["https://127.0.0.1:9443"]
                    tls: {verify-hostname: false}
                    circuit-breaker: {scope: node}
                    retries: {attempts: 2}
                    hedging: {after: 50ms}
                routes:
                  - {id: r, match: {path: /r/**}, upstream: u, cache: {ttl: 30s}, rewrite: {strip-prefix: /r}}
                  - {id: a, match: {path: /a}, aggregate: {x: {upstream: u, path: /x}}}
                """);

        assertThat(FeatureGate.unsupported(config)).isEmpty();
    }

    @Test
    void theAhcClientRefusesHttpsTargetsNamingEachOne() {
        GatewayConfig config = TestConfigs.withDefaults("""
                upstreams:
                  u: {targets: ["https://127.0.0.1:9443"]}
                  v: {targets: ["http://127.0.0.1:9"]}
                  w: {targets: ["https://127.0.0.1:9444"]}
                routes:
                  - {id: r, match: {path: /**}, upstream: u}
                """);
        System.setProperty("gateway.upstream-client", "ahc");

        assertThat(FeatureGate.unsupported(config)).containsExactly(
                "upstreams.u.targets: https (upstream TLS with -Dgateway.upstream-client=ahc)",
                "upstreams.w.targets: https (upstream TLS with -Dgateway.upstream-client=ahc)");
        UnsupportedFeatureException e = catchThrowableOfType(UnsupportedFeatureException.class,
                () -> GatewayNode.start(config).close());
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("upstreams.u.targets");
    }

    @Test
    void h2AndH2cTowardsUpstreamsAreBuilt() {
        GatewayConfig config = TestConfigs.withDefaults("""
                upstreams:
                  tls: {protocol: h2, targets: ["https://127.0.0.1:9443"]}
                  plain: {protocol: h2c, targets: ["http://127.0.0.1:9"]}
                routes:
                  - {id: r, match: {path: /**}, upstream: tls}
                  - {id: p, match: {path: /p}, upstream: plain}
                """);

        assertThat(FeatureGate.unsupported(config)).isEmpty();
    }

    @Test
    void refusingToStartLeavesNoListenerBehind() throws Exception {
        int port = TestConfigs.closedPort();
        GatewayConfig config = TestConfigs.parse("node: {name: gw-test, listen: 127.0.0.1:" + port
                + ", admin: {listen: 127.0.0.1:0}}\n" + TestConfigs.OBSERVABILITY + HTTPS + ROUTE + "}\n");
        System.setProperty("gateway.upstream-client", "ahc");

        assertThat(catchThrowableOfType(UnsupportedFeatureException.class, () -> GatewayNode.start(config).close()))
                .isNotNull();
        try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(free.getLocalPort()).isEqualTo(port);
        }
    }
}
