package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.H2Wire;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.net.SocketTimeoutException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/2 client that asks for a large answer, never opens its flow-control window and then closes its connection
 * must not keep the upstream connection that answer came on: the upstream pool here has one connection, so an answer
 * left holding it would leave every later request waiting for it (until the upstream's own timeout).
 */
class Http2AbandonedAnswerTest {
    private static final SimpleHttp HTTP = new SimpleHttp();
    private static DemoUpstream upstream;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "echo");
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-h2-abandoned
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  http2: {enabled: true}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  echo: {targets: ["http://127.0.0.1:%d"], pool: {max-connections: 1}}
                routes:
                  - {id: all, match: {path: /**}, upstream: echo}
                """.formatted(upstream.port())));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aClosedConnectionReleasesTheUpstreamConnectionOfItsStalledAnswer() throws Exception {
        for (int i = 1; i <= 4; i++) {
            // SETTINGS_INITIAL_WINDOW_SIZE 0: the answer's body waits on a window this client never opens
            try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of(0x4, 0))) {
                wire.request(1, "GET", "/big?bytes=500000", true);
                try {
                    assertThat(wire.awaitFrame(H2Wire.HEADERS)).as("answer %d's head", i).isNotNull();
                } catch (SocketTimeoutException e) {
                    fail("abandoned answer " + i + " got no head in 10 s: the one upstream connection is still held"
                            + " by an answer whose client connection closed before");
                }
            }
        }
        assertThat(HTTP.get(node.proxyPort(), "/after").statusCode()).isEqualTo(200);
    }
}
