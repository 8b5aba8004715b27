package dev.gateway.node.upstream;

import static dev.gateway.node.support.ScriptedUpstream.Step.pause;
import static dev.gateway.node.support.ScriptedUpstream.Step.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.PrometheusScrape;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.ScriptedUpstream;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * After the response headers, {@code timeouts.response} bounds each silence of the upstream's body and the
 * route's {@code timeout} the whole exchange: on expiry the client connection is closed without a valid end
 * of the body, the upstream connection is discarded (its pool slot is free again) and
 * {@code gateway_upstream_body_timeouts_total} counts it. A slow client is not an upstream timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class StalledUpstreamBodyTest {
    private static final SimpleHttp HTTP = new SimpleHttp();
    private static final int BIG = 16 * 1024 * 1024;
    /** What the upstream sends before it stalls: more than the gateway buffers, so that the client sees it. */
    private static final int PART = 100_000;

    private ScriptedUpstream upstream;
    private GatewayNode node;

    /** Starts the node under test from the shared sections {@code yaml}; the AHC variant overrides it. */
    protected GatewayNode startNode(String yaml) throws Exception {
        return GatewayNode.start(TestConfigs.withDefaults(yaml));
    }

    @BeforeAll
    void start() throws Exception {
        byte[] big = new byte[BIG];
        Arrays.fill(big, (byte) 'b');
        upstream = ScriptedUpstream.start()
                .stallAfter("/gap/cl", write("HTTP/1.1 200 OK\r\nContent-Length: " + 2 * PART + "\r\n\r\n"
                        + "a".repeat(PART)))
                .stallAfter("/gap/chunked", write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(PART) + "\r\n" + "c".repeat(PART) + "\r\n"))
                .answer("/gap/ok", write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
                .answer("/gap/big", write("HTTP/1.1 200 OK\r\nContent-Length: " + BIG + "\r\n\r\n"), write(big))
                .stallAfter("/total/trickle", trickle())
                .answer("/total/ok", write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        node = startNode("""
                upstreams:
                  gap: {targets: ["http://127.0.0.1:%1$d"], timeouts: {response: 400ms}, pool: {max-connections: 1}}
                  slow: {targets: ["http://127.0.0.1:%1$d"], timeouts: {response: 5s}, pool: {max-connections: 1}}
                routes:
                  - {id: gap, match: {path: /gap/**}, upstream: gap}
                  - {id: total, match: {path: /total/**}, upstream: slow, timeout: 800ms}
                """.formatted(upstream.port()));
    }

    /** Headers, then one byte every 150 ms: never silent for the 5s response timeout, longer than the 800ms route timeout. */
    private static ScriptedUpstream.Step[] trickle() {
        List<ScriptedUpstream.Step> steps = new ArrayList<>();
        steps.add(write("HTTP/1.1 200 OK\r\nContent-Length: " + 2 * PART + "\r\n\r\n" + "t".repeat(PART)));
        for (int i = 0; i < 40; i++) {
            steps.add(write("x"));
            steps.add(pause(150));
        }
        return steps.toArray(ScriptedUpstream.Step[]::new);
    }

    @AfterAll
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aContentLengthBodyThatStallsIsCutShortAndItsConnectionDiscarded() throws Exception {
        double before = bodyTimeouts("gap", "response");
        int closedBefore = upstream.connectionsClosedByPeer();

        Cut cut = requestUntilClosed("/gap/cl");

        assertThat(cut.head()).startsWith("HTTP/1.1 200").contains("Content-Length: " + 2 * PART);
        assertThat(cut.body()).as("the client sees fewer bytes than announced").isEqualTo("a".repeat(PART));
        assertThat(cut.millis()).as("closed after the 400ms response timeout").isBetween(300L, 3000L);
        await().atMost(Duration.ofSeconds(5)).until(() -> upstream.connectionsClosedByPeer() > closedBefore);
        assertThat(HTTP.get(node.proxyPort(), "/gap/ok").body()).as("the one pool slot is free again").isEqualTo("ok");
        await().atMost(Duration.ofSeconds(5)).until(() -> bodyTimeouts("gap", "response") == before + 1);
    }

    @Test
    void aChunkedBodyThatStallsNeverGetsItsLastChunk() throws Exception {
        double before = bodyTimeouts("gap", "response");

        Cut cut = requestUntilClosed("/gap/chunked");

        assertThat(cut.head()).startsWith("HTTP/1.1 200").containsIgnoringCase("Transfer-Encoding: chunked");
        assertThat(cut.body()).contains("c".repeat(1000)).doesNotContain("0\r\n\r\n");
        assertThat(cut.body().replace("c", "")).as("chunk framing only, no last-chunk").doesNotContain("\r\n0\r\n");
        assertThat(cut.millis()).isBetween(300L, 3000L);
        assertThat(HTTP.get(node.proxyPort(), "/gap/ok").body()).isEqualTo("ok");
        await().atMost(Duration.ofSeconds(5)).until(() -> bodyTimeouts("gap", "response") == before + 1);
    }

    @Test
    void theRouteTimeoutBoundsABodyThatKeepsTrickling() throws Exception {
        double before = bodyTimeouts("slow", "route");

        Cut cut = requestUntilClosed("/total/trickle");

        assertThat(cut.head()).startsWith("HTTP/1.1 200");
        assertThat(cut.body().length()).as("some bytes, not all").isBetween(PART, 2 * PART - 1);
        assertThat(cut.millis()).as("closed at the 800ms route timeout (from the request's start)").isBetween(600L, 3000L);
        assertThat(HTTP.get(node.proxyPort(), "/total/ok").body()).isEqualTo("ok");
        await().atMost(Duration.ofSeconds(5)).until(() -> bodyTimeouts("slow", "route") == before + 1);
    }

    /**
     * The response-gap timer measures the upstream's silence while the gateway wants its bytes: time the body is
     * paused because the client does not read is not counted.
     */
    @Test
    void aClientThatPausesLongerThanTheResponseTimeoutStillGetsTheWholeBody() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort(), 5000)) {
            http.send("GET /gap/big HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response head = http.readHead();
            assertThat(head.status()).isEqualTo(200);
            // a client that reads nothing for three response timeouts: back-pressure pauses the upstream
            TimeUnit.MILLISECONDS.sleep(1200);
            InputStream in = http.input();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            while (read < BIG) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            assertThat(read).isEqualTo(BIG);
        }
        assertThat(HTTP.get(node.proxyPort(), "/gap/ok").body()).isEqualTo("ok");
    }

    private record Cut(String head, String body, long millis) {
    }

    /** Sends a GET, reads the head and then everything until the gateway closes the connection (at most 5s). */
    private Cut requestUntilClosed(String path) throws IOException {
        long start = System.nanoTime();
        try (RawHttp http = RawHttp.connect(node.proxyPort(), 5000)) {
            http.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response head = http.readHead();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            InputStream in = http.input();
            try {
                int b;
                while ((b = in.read()) >= 0) {
                    body.write(b);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the gateway kept the connection open for 5s; body so far: "
                        + body.toString(StandardCharsets.ISO_8859_1), e);
            } catch (IOException reset) {
                // a reset is a close too
            }
            return new Cut(head.rawHead(), body.toString(StandardCharsets.ISO_8859_1),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    private double bodyTimeouts(String upstreamName, String timeout) {
        PrometheusScrape scrape = PrometheusScrape.parse(HTTP.get(node.adminPort(), "/metrics").body());
        return scrape.value("gateway_upstream_body_timeouts_total", "upstream", upstreamName, "timeout", timeout)
                .orElse(0);
    }
}
