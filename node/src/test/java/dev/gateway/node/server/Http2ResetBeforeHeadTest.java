package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.H2Wire;
import dev.gateway.node.support.ScriptedUpstream;
import dev.gateway.node.support.ScriptedUpstream.Step;
import dev.gateway.node.support.TestConfigs;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stream the client gives up (RST_STREAM, or its connection closes) while the gateway still waits for an HTTP/1.1
 * upstream's response head: the upstream request is aborted at once, by closing its connection (HTTP/1.1 has no
 * other cancel), and that connection does not go back to the pool. The upstream never answers {@code /never}, and
 * the pool has one connection: a connection kept for the abandoned request would leave {@code /quick} waiting.
 */
class Http2ResetBeforeHeadTest {
    private static ScriptedUpstream upstream;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        upstream = ScriptedUpstream.start()
                .stallAfter("/never")
                .answer("/quick", Step.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-h2-reset-head
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  http2: {enabled: true}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  up: {targets: ["http://127.0.0.1:%d"], timeouts: {response: 60s}, pool: {max-connections: 1}}
                routes:
                  - {id: all, match: {path: /**}, upstream: up, timeout: 120s}
                """.formatted(upstream.port())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aResetStreamClosesTheUpstreamConnectionItWaitsOn() throws Exception {
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of())) {
            int requests = upstream.requestsReceived();
            int closed = upstream.connectionsClosedByPeer();
            wire.request(1, "GET", "/never", true);
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.requestsReceived() > requests);
            long resetAt = System.nanoTime();
            wire.reset(1);

            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.connectionsClosedByPeer() > closed);
            System.out.println("upstream connection closed " + (System.nanoTime() - resetAt) / 1_000_000
                    + " ms after the client's RST_STREAM (the upstream's response timeout is 60 s)");

            wire.request(3, "GET", "/quick", true);
            assertThat(answered(wire, 3)).as("stream 3 answered: the pool's one connection was not kept").isTrue();
        }
    }

    @Test
    void aClosedClientConnectionClosesTheUpstreamConnectionItWaitsOn() throws Exception {
        int closed;
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of())) {
            int requests = upstream.requestsReceived();
            closed = upstream.connectionsClosedByPeer();
            wire.request(1, "GET", "/never", true);
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.requestsReceived() > requests);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> upstream.connectionsClosedByPeer() > closed);
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of())) {
            wire.request(1, "GET", "/quick", true);
            assertThat(answered(wire, 1)).as("answered: the pool's one connection was not kept").isTrue();
        }
    }

    /** Reads to the answer head of {@code stream}: true when it comes (within the reader's 10 s). */
    private static boolean answered(H2Wire wire, int stream) throws Exception {
        H2Wire.Frame next;
        do {
            next = wire.read();
        } while (next != null && !(next.type() == H2Wire.HEADERS && next.stream() == stream));
        return next != null;
    }
}
