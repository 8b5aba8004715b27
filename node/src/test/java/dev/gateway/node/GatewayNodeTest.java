package dev.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gateway.config.GatewayConfig;
import dev.gateway.node.server.ListenException;
import dev.gateway.node.support.TestConfigs;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Starting and stopping a node: ports and threads are released, also when a listener cannot bind. */
class GatewayNodeTest {
    private static final String SHARED = """
            upstreams:
              u: {targets: ["http://127.0.0.1:9"]}
            routes:
              - {id: r, match: {path: /**}, upstream: u}
            """;

    @Test
    void closeReleasesBothPortsAndEveryThread() throws Exception {
        TestConfigs.closedPort(); // loads the test support before the thread snapshot
        Set<Thread> before = liveThreads();
        int proxyPort;
        int adminPort;
        try (GatewayNode node = GatewayNode.start(TestConfigs.withDefaults(SHARED))) {
            proxyPort = node.proxyPort();
            adminPort = node.adminPort();
            assertThat(proxyPort).isPositive().isNotEqualTo(adminPort);
        }

        for (int port : List.of(proxyPort, adminPort)) {
            dev.gateway.node.support.Ports.assertNothingListens(port);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(nodeThreadsStartedSince(before)).isEmpty());
    }

    @Test
    void aNodeThatCannotBindItsProxyPortLeavesNoThreadsBehind() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            GatewayConfig config = TestConfigs.parse("node: {name: gw-test, listen: 127.0.0.1:" + busy.getLocalPort()
                    + ", admin: {listen: 127.0.0.1:0}}\n" + TestConfigs.OBSERVABILITY + SHARED);
            Set<Thread> before = liveThreads();

            assertThatThrownBy(() -> GatewayNode.start(config).close())
                    .isInstanceOf(ListenException.class).hasMessageContaining("node.listen");

            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(nodeThreadsStartedSince(before)).isEmpty());
        }
    }

    @Test
    void aNodeThatCannotBindItsAdminPortLeavesNoThreadsBehind() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            GatewayConfig config = TestConfigs.parse("node: {name: gw-test, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:"
                    + busy.getLocalPort() + "}}\n" + TestConfigs.OBSERVABILITY + SHARED);
            Set<Thread> before = liveThreads();

            assertThatThrownBy(() -> GatewayNode.start(config).close())
                    .isInstanceOf(ListenException.class).hasMessageContaining("node.admin.listen");

            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(nodeThreadsStartedSince(before)).isEmpty());
        }
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    /** Threads of Grizzly servers and of the gateway started since {@code before} and still alive. */
    private static List<String> nodeThreadsStartedSince(Set<Thread> before) {
        return liveThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName)
                .filter(name -> name.startsWith("HttpServer") || name.startsWith("grizzly")
                        || name.startsWith("gateway") || name.startsWith("Grizzly"))
                .sorted().toList();
    }
}
