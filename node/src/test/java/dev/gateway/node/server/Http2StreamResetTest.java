package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.H2Wire;
import dev.gateway.node.support.ScriptedUpstream;
import dev.gateway.node.support.ScriptedUpstream.Step;
import dev.gateway.node.support.TestConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stream the client resets (RST_STREAM) while its response streams: the upstream request is aborted (its
 * connection closed, not returned to the pool), and the client's connection and its other streams go on.
 */
class Http2StreamResetTest {
    private static ScriptedUpstream upstream;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        List<Step> steps = new ArrayList<>();
        steps.add(Step.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"));
        String chunk = "4000\r\n" + "c".repeat(16_384) + "\r\n"; // 16 KiB: more than Grizzly buffers before sending
        for (int i = 0; i < 100; i++) {
            steps.add(Step.write(chunk));
            steps.add(Step.pause(100));
        }
        upstream = ScriptedUpstream.start()
                .stallAfter("/stream", steps.toArray(Step[]::new))
                .answer("/quick", Step.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-h2-reset
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  http2: {enabled: true}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  up: {targets: ["http://127.0.0.1:%d"], timeouts: {response: 30s}}
                routes:
                  - {id: all, match: {path: /**}, upstream: up, timeout: 60s}
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
    void aResetStreamAbortsItsUpstreamRequestAndTheConnectionGoesOn() throws Exception {
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of(0x4, 16 << 20))) {
            wire.windowUpdate(0, 16 << 20); // windows wide open: only the reset stops the response
            wire.request(1, "GET", "/stream", true);
            H2Wire.Frame data = wire.awaitFrame(H2Wire.DATA);
            assertThat(data).as("the response has begun").isNotNull();
            long resetAt = System.nanoTime();
            wire.reset(1);

            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.connectionsClosedByPeer() >= 1);
            System.out.println("upstream connection closed " + (System.nanoTime() - resetAt) / 1_000_000
                    + " ms after the client's RST_STREAM (the upstream still had ~10 s of body to send)");

            wire.request(3, "GET", "/quick", true);
            H2Wire.Frame next;
            do {
                next = wire.read();
            } while (next != null && !(next.type() == H2Wire.HEADERS && next.stream() == 3));
            assertThat(next).as("stream 3 answered on the same connection").isNotNull();
        }
    }
}
