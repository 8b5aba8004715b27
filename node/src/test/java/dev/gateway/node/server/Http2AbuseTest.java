package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.H2Wire;
import dev.gateway.node.support.PrometheusScrape;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Abuse of HTTP/2 framing a node must survive (issue 20), each from a hand-written client ({@link H2Wire}): the
 * answer is GOAWAY ENHANCE_YOUR_CALM and the close of that connection, counted in
 * {@code gateway_listener_rejected_total{reason}}; a well-behaved connection next to it keeps working.
 */
class Http2AbuseTest {
    private static final SimpleHttp HTTP = new SimpleHttp();
    private static DemoUpstream upstream;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "echo");
        node = GatewayNode.start(TestConfigs.echoNode("gw-h2-abuse", """
                        limits: {idle-timeout: 1s}
                        http2: {enabled: true, max-concurrent-streams: 10, max-header-list: 4KiB}
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
    void aWellBehavedClientIsServed() throws Exception {
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of())) {
            wire.request(1, "GET", "/fine", true);
            H2Wire.Frame headers = wire.awaitFrame(H2Wire.HEADERS);
            assertThat(headers).isNotNull();
            assertThat(headers.stream()).isEqualTo(1);
        }
    }

    @Test
    void rapidResetEndsTheConnection() throws Exception {
        double before = rejected("h2-rapid-reset");
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of())) {
            // budget: 2 x max-concurrent-streams (20) resets a second
            for (int stream = 1; stream <= 2 * 100; stream += 2) {
                wire.request(stream, "GET", "/slow?delay=5s", true).reset(stream);
            }
            assertGoAway(wire);
        }
        awaitRejected("h2-rapid-reset", before + 1);
    }

    @Test
    void aContinuationFloodEndsTheConnection() throws Exception {
        double before = rejected("h2-continuation-flood");
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of())) {
            wire.frame(H2Wire.HEADERS, 0, 1, H2Wire.headerBlock("GET", "/flood"));
            for (int i = 0; i < 1_000; i++) {
                wire.frame(H2Wire.CONTINUATION, 0, 1, new byte[0]);
            }
            assertGoAway(wire);
        }
        awaitRejected("h2-continuation-flood", before + 1);
    }

    @Test
    void aHeaderBlockOverMaxHeaderListEndsTheConnection() throws Exception {
        double before = rejected("h2-header-list");
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of())) {
            byte[] block = H2Wire.headerBlock("GET", "/big", "x-big", "v".repeat(3_000));
            // split over HEADERS and CONTINUATION: 2 x 3 KiB, over the 4 KiB limit only together
            wire.frame(H2Wire.HEADERS, 0, 1, block);
            wire.frame(H2Wire.CONTINUATION, H2Wire.END_HEADERS, 1, H2Wire.headerBlock("GET", "/x", "x-more", "w".repeat(3_000)));
            assertGoAway(wire);
        }
        awaitRejected("h2-header-list", before + 1);
    }

    @Test
    void anHpackBombResetsItsStreamAndReachesNoUpstream() throws Exception {
        double before = rejected("h2-header-list");
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of())) {
            // 2.2 KiB compressed (under the 4 KiB limit), 90 fields (under Grizzly's 100), 180 KB decoded
            wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, H2Wire.bombBlock("/bomb", 2_000, 89));
            H2Wire.Frame reset = wire.awaitFrame(H2Wire.RST_STREAM);
            assertThat(reset).as("RST_STREAM for the bomb's stream").isNotNull();
            assertThat(reset.stream()).isEqualTo(1);

            wire.request(3, "GET", "/after-the-bomb", true);
            H2Wire.Frame next;
            do {
                next = wire.read();
            } while (next != null && !(next.type() == H2Wire.HEADERS && next.stream() == 3));
            assertThat(next).as("the connection's next stream is served").isNotNull();
        }
        awaitRejected("h2-header-list", before + 1);
    }

    @Test
    void anHpackBombOfMoreThanAHundredFieldsIsGrizzlysCompressionError() throws Exception {
        // Grizzly's decoder takes at most 100 fields per request (MimeHeaders' default): more end the connection
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of())) {
            wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, H2Wire.bombBlock("/bomb", 2_000, 1_000));
            H2Wire.Frame goAway = wire.awaitFrame(H2Wire.GOAWAY);
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).as("COMPRESSION_ERROR").isEqualTo(0x9);
        }
    }

    @Test
    void aSettingsFloodEndsTheConnection() throws Exception {
        double before = rejected("h2-settings-flood");
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of())) {
            for (int i = 0; i < 500; i++) {
                wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]);
            }
            assertGoAway(wire);
        }
        awaitRejected("h2-settings-flood", before + 1);
    }

    @Test
    void aPingFloodEndsTheConnection() throws Exception {
        double before = rejected("h2-ping-flood");
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of())) {
            for (int i = 0; i < 500; i++) {
                wire.ping(i);
            }
            assertGoAway(wire);
        }
        awaitRejected("h2-ping-flood", before + 1);
    }

    @Test
    void aWindowThatNeverOpensEndsTheConnectionAfterTheIdleTimeout() throws Exception {
        double before = rejected("h2-stalled");
        // SETTINGS_INITIAL_WINDOW_SIZE 0: the node may send no DATA until the client opens a window, which it never does
        try (H2Wire wire = H2Wire.connect(node.proxyPort(), Map.of(0x4, 0))) {
            wire.request(1, "GET", "/big?bytes=200000", true);
            long start = System.nanoTime();
            StringBuilder seen = new StringBuilder();
            for (H2Wire.Frame f = wire.read(); f != null; f = wire.read()) {
                seen.append(' ').append(f.type()).append('/').append(f.stream());
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("stalled stream: connection ended after " + millis + " ms (idle-timeout 1 s); frames:" + seen);
            assertThat(millis).as("frames before the end:" + seen).isGreaterThanOrEqualTo(900);
        }
        awaitRejected("h2-stalled", before + 1);
    }

    @Test
    void aConnectionNextToAnAbusiveOneKeepsWorking() throws Exception {
        try (H2Wire bad = H2Wire.connect(node.proxyPort(), Map.of());
             H2Wire good = H2Wire.connect(node.proxyPort(), Map.of())) {
            // the good connection opens before the flood and asks while the bad one lingers after its GOAWAY
            for (int i = 0; i < 500; i++) {
                bad.ping(i);
            }
            assertThat(bad.awaitFrame(H2Wire.GOAWAY)).isNotNull();
            good.request(1, "GET", "/still-fine", true);
            assertThat(good.awaitFrame(H2Wire.HEADERS)).isNotNull();
        }
    }

    private static void assertGoAway(H2Wire wire) throws IOException {
        H2Wire.Frame goAway = wire.awaitFrame(H2Wire.GOAWAY);
        assertThat(goAway).as("a GOAWAY before the connection ends").isNotNull();
        assertThat(goAway.errorCode()).isEqualTo(H2Wire.ENHANCE_YOUR_CALM);
        assertThat(wire.closedByServer()).isTrue();
    }

    private static double rejected(String reason) {
        HttpResponse<String> metrics = HTTP.get(node.adminPort(), "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        return PrometheusScrape.parse(metrics.body()).value("gateway_listener_rejected_total", "reason", reason).orElse(0);
    }

    private static void awaitRejected(String reason, double atLeast) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(rejected(reason)).isGreaterThanOrEqualTo(atLeast));
    }
}
