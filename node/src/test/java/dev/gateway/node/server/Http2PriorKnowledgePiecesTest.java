package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.H2Wire;
import dev.gateway.node.support.TestConfigs;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * h2c by prior knowledge whatever the reads the client preface and the first frames arrive in. grizzly-http2
 * 4.0.2's {@code Http2ServerFilter.checkPRI} accepts the preface once 2 bytes past it have come, but takes the
 * connection as HTTP/2 only after the whole first frame: a read that ends in between (cut at 26, 27, 33, 36 here)
 * was followed by an HTTP/1.1 400 and a close. The listener guard holds a prior-knowledge connection's first bytes
 * back until the preface and the whole first frame have come ({@link H2PrefaceHold}) and passes them on as one.
 */
class Http2PriorKnowledgePiecesTest {
    private static DemoUpstream upstream;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "echo");
        node = GatewayNode.start(TestConfigs.echoNode("gw-h2-pieces", """
                        http2: {enabled: true}
                        limits: {header-timeout: 3s} # byte by byte takes 45 pauses
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

    /** Cut offsets into preface (24 bytes) + SETTINGS (9 + 6) + HEADERS frame. */
    static Stream<Arguments> splits() {
        return Stream.of(
                Arguments.of((Object) new int[] {1}),
                Arguments.of((Object) new int[] {5}),
                Arguments.of((Object) new int[] {18}),
                Arguments.of((Object) new int[] {23}),
                Arguments.of((Object) new int[] {24}),
                Arguments.of((Object) new int[] {24 + 1}),
                Arguments.of((Object) new int[] {24 + 2}), // checkPRI's boundary: 2 bytes past the preface
                Arguments.of((Object) new int[] {24 + 3}),
                Arguments.of((Object) new int[] {24 + 9}), // the SETTINGS header without its payload
                Arguments.of((Object) new int[] {24 + 12}),
                Arguments.of((Object) new int[] {24 + 15}), // preface and SETTINGS whole, HEADERS apart
                Arguments.of((Object) new int[] {18, 24}),
                Arguments.of((Object) new int[] {24, 24 + 9}),
                Arguments.of((Object) new int[] {18, 24, 24 + 9, 24 + 15}),
                Arguments.of((Object) IntStream.rangeClosed(1, 45).toArray())); // byte by byte
    }

    @ParameterizedTest
    @MethodSource("splits")
    void theRequestIsAnsweredOverHttp2WhereverThePrefaceIsCut(int[] cuts) throws Exception {
        try (H2Wire wire = H2Wire.connectInPieces(node.proxyPort(), "/pieces", 15, cuts)) {
            H2Wire.Frame head = wire.awaitFrame(H2Wire.HEADERS);
            assertThat(head).as("an HTTP/2 answer with the preface cut at %s", Arrays.toString(cuts)).isNotNull();
            assertThat(head.stream()).isEqualTo(1);
            byte[] block = head.payload();
            int at = 0;
            while ((block[at] & 0xe0) == 0x20) {
                at++; // a dynamic table size update
            }
            assertThat(block[at] & 0xff).as(":status 200, indexed (HPACK static entry 8)").isEqualTo(0x88);
        }
    }

    @Test
    void aClientThatStopsInsideThePrefaceIsClosedByTheHeaderTimeout() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.proxyPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            long start = System.nanoTime();
            byte[] answer = in.readAllBytes(); // to the node's close; SocketTimeoutException past 10 s
            System.out.println("partial preface closed after " + (System.nanoTime() - start) / 1_000_000 + " ms");
            assertThat(new String(answer, StandardCharsets.US_ASCII)).as("nothing of HTTP/2 began").startsWith("HTTP/1.1 408");
        }
    }

    @Test
    void plainHttp11OnTheSameListenerIsUnchanged() throws Exception {
        for (String request : new String[] {"PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
                "GET /x HTTP/1.1\r\nHost: a\r\n\r\n", "PATCH /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"}) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.proxyPort())) {
                socket.setSoTimeout(10_000);
                socket.setTcpNoDelay(true);
                byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
                socket.getOutputStream().write(bytes, 0, 1); // "P" or "G": a prefix of the preface, or not
                socket.getOutputStream().flush();
                Thread.sleep(30);
                socket.getOutputStream().write(bytes, 1, bytes.length - 1);
                socket.getOutputStream().flush();
                byte[] status = socket.getInputStream().readNBytes(12);
                assertThat(new String(status, StandardCharsets.US_ASCII)).as(request).isEqualTo("HTTP/1.1 200");
            }
        }
    }
}
