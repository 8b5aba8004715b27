package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.H2Wire;
import dev.gateway.node.support.TestConfigs;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/2 connection left idle (no answer in progress) for {@code node.limits.idle-timeout} is told so with GOAWAY
 * NO_ERROR, naming the last stream it served, before it is closed: the client knows the close is orderly and that
 * nothing it sent was lost.
 */
class Http2IdleGoAwayTest {
    private static DemoUpstream upstream;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "echo");
        node = GatewayNode.start(TestConfigs.echoNode("gw-h2-idle", """
                        http2: {enabled: true}
                        limits: {idle-timeout: 1s}
                """, upstream.port()));
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
    void anIdleConnectionGetsGoAwayNoErrorBeforeItCloses() throws Exception {
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of())) {
            wire.request(1, "GET", "/one", true);
            H2Wire.Frame f;
            do {
                f = wire.read();
            } while (f != null && !(f.type() == H2Wire.DATA && f.stream() == 1 && (f.flags() & H2Wire.END_STREAM) != 0));
            assertThat(f).as("stream 1 answered to its end").isNotNull();
            long idleFrom = System.nanoTime();

            H2Wire.Frame goAway = wire.awaitFrame(H2Wire.GOAWAY);
            long millis = (System.nanoTime() - idleFrom) / 1_000_000;
            System.out.println("idle connection: GOAWAY after " + millis + " ms (idle-timeout 1 s)");
            assertThat(goAway).as("a GOAWAY before the idle connection closes").isNotNull();
            assertThat(goAway.errorCode()).as("NO_ERROR").isZero();
            int lastStream = (goAway.payload()[0] & 0x7f) << 24 | (goAway.payload()[1] & 0xff) << 16
                    | (goAway.payload()[2] & 0xff) << 8 | (goAway.payload()[3] & 0xff);
            assertThat(lastStream).as("last stream id").isEqualTo(1);
            assertThat(wire.closedByServer()).isTrue();
        }
    }
}
