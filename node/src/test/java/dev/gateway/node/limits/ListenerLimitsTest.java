package dev.gateway.node.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy listener's {@code node.limits} through a real node: what the client gets, how soon,
 * and that nothing refused ever reaches the upstream.
 */
class ListenerLimitsTest {
    private static final int MAX_HEADER_BYTES = 2048;
    private static final int MAX_BODY_BYTES = 1024;
    private static final long HEADER_TIMEOUT_MS = 500;
    /** The guard sweeps every 250 ms; a refusal may also wait for the scheduler. */
    private static final long HEADER_TIMEOUT_SLACK_MS = 1_000;

    private static RecordingUpstream recorder;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        recorder = RecordingUpstream.start();
        node = GatewayNode.start(TestConfigs.parse(limitsNode(10_000) + TestConfigs.OBSERVABILITY + routes()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    @BeforeEach
    void resetRecorder() {
        recorder.reset();
    }

    private static String limitsNode(int maxConnections) {
        return """
                node:
                  name: gw-limits
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  limits: {max-header-bytes: %d, max-body-bytes: %d, header-timeout: %dms, idle-timeout: 1s,
                           max-connections: %d, drain-timeout: 1s}
                """.formatted(MAX_HEADER_BYTES, MAX_BODY_BYTES, HEADER_TIMEOUT_MS, maxConnections);
    }

    private static String routes() {
        return """
                upstreams:
                  rec: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: rec, match: {path: /rec/**}, upstream: rec}
                """.formatted(recorder.port());
    }

    // ---- max-header-bytes -----------------------------------------------------------------------

    @Test
    void headOverMaxHeaderBytesIs431AndTheUpstreamSeesNothing() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send(headOfSize("/rec/big", MAX_HEADER_BYTES + 1)).readResponse();

            JsonErrors.assertErrorBody(431, response);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(http.closedByPeer()).as("connection closed after the 431").isTrue();
        }
        assertUpstreamSawOnlyASentinel();
    }

    /** A second request pipelined behind the first, in the same write, is held to the same limit. */
    @Test
    void pipelinedSecondHeadOverMaxHeaderBytesIs431() throws Exception {
        // The guard judges every head in a read before the codec sees any of it, so a read that
        // holds a good request and an oversized one is refused whole: nothing is forwarded, and
        // the client retries its unanswered request as HTTP/1.1 pipelining requires.
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            http.send("GET /rec/first HTTP/1.1\r\nHost: x\r\n\r\n" + headOfSize("/rec/second", MAX_HEADER_BYTES + 500));

            JsonErrors.assertErrorBody(431, http.readResponse());
            assertThat(http.closedByPeer()).isTrue();
        }
        assertThat(recorder.requests()).isEmpty();
    }

    /** A pipelined head whose end comes in a later write is read on, not judged afresh from its middle. */
    @Test
    void pipelinedHeadSplitAcrossWritesIsServed() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            http.send("GET /rec/first HTTP/1.1\r\nHost: x\r\n\r\nGET /rec/second HTTP/1.1\r\nHost: x\r\n");
            assertThat(http.readResponse().status()).isEqualTo(200);

            RawHttp.Response second = http.send("X-Rest: of the head\r\n\r\n").readResponse();

            assertThat(second.status()).as(second.bodyText()).isEqualTo(200);
        }
        assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target)
                .containsExactly("/rec/first", "/rec/second");
    }

    @Test
    void headOfExactlyMaxHeaderBytesIsForwarded() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(), headOfSize("/rec/edge", MAX_HEADER_BYTES));

        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        assertThat(recorder.lastRequest().target()).isEqualTo("/rec/edge");
    }

    // ---- header-timeout -------------------------------------------------------------------------

    @Test
    void slowlorisHeadThatStallsIs408WithinTheHeaderTimeout() throws Exception {
        long start = System.nanoTime();
        try (RawHttp http = RawHttp.connect(node.proxyPort(), 5_000)) {
            RawHttp.Response response = http.send("GET /rec/slow HTTP/1.1\r\nHost: x\r\nX-Partial: yes\r\n")
                    .readResponse();
            long millis = millisSince(start);

            JsonErrors.assertErrorBody(408, response);
            assertThat(millis).as("header-timeout %d ms", HEADER_TIMEOUT_MS)
                    .isBetween(HEADER_TIMEOUT_MS - 50, HEADER_TIMEOUT_MS + HEADER_TIMEOUT_SLACK_MS);
            assertThat(http.closedByPeer()).isTrue();
        }
        assertUpstreamSawOnlyASentinel();
    }

    @Test
    void clientThatConnectsAndSendsNothingIs408() throws Exception {
        long start = System.nanoTime();
        try (RawHttp http = RawHttp.connect(node.proxyPort(), 5_000)) {
            RawHttp.Response response = http.readResponse();
            long millis = millisSince(start);

            JsonErrors.assertErrorBody(408, response);
            assertThat(millis).isBetween(HEADER_TIMEOUT_MS - 50, HEADER_TIMEOUT_MS + HEADER_TIMEOUT_SLACK_MS);
            assertThat(http.closedByPeer()).isTrue();
        }
    }

    /** A head that keeps trickling in never completes: the timeout counts from its first byte, not the last. */
    @Test
    void headTricklingInByteByByteIs408AfterTheHeaderTimeout() throws Exception {
        ScheduledExecutorService dripper = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger dripped = new AtomicInteger();
        long start = System.nanoTime();
        try (RawHttp http = RawHttp.connect(node.proxyPort(), 5_000)) {
            http.send("GET /rec/trickle HTTP/1.1\r\nHost: x\r\n");
            dripper.scheduleAtFixedRate(() -> {
                if (dripped.incrementAndGet() <= 100) {
                    try {
                        http.send("X-Drip-" + dripped.get() + ": a\r\n");
                    } catch (IOException closed) {
                        // the gateway closed the connection: the test reads what it answered
                    }
                }
            }, 20, 20, TimeUnit.MILLISECONDS);

            RawHttp.Response response = http.readResponse();
            long millis = millisSince(start);

            JsonErrors.assertErrorBody(408, response);
            assertThat(millis).isBetween(HEADER_TIMEOUT_MS - 50, HEADER_TIMEOUT_MS + HEADER_TIMEOUT_SLACK_MS);
            assertThat(dripped.get()).as("header lines still arriving when the 408 came").isGreaterThan(3);
        } finally {
            dripper.shutdownNow();
        }
        assertUpstreamSawOnlyASentinel();
    }

    /** The header timeout applies to each request of a keep-alive connection, not only the first. */
    @Test
    void secondHeadOnAKeepAliveConnectionThatStallsIs408() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort(), 5_000)) {
            RawHttp.Response first = http.send("GET /rec/first HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertThat(first.status()).isEqualTo(200);

            long start = System.nanoTime();
            RawHttp.Response second = http.send("GET /rec/second HTTP/1.1\r\nHost: x\r\n").readResponse();

            JsonErrors.assertErrorBody(408, second);
            assertThat(millisSince(start)).isBetween(HEADER_TIMEOUT_MS - 50, HEADER_TIMEOUT_MS + HEADER_TIMEOUT_SLACK_MS);
        }
        assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target).containsExactly("/rec/first");
    }

    // ---- max-body-bytes -------------------------------------------------------------------------

    @Test
    void chunkedBodyCrossingMaxBodyBytesIs413AndTheUpstreamNeverGetsACompleteRequest() throws Exception {
        String chunk = "b".repeat(700);
        String wire = "POST /rec/chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                + "0\r\n\r\n";
        RawHttp.Response response;
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            response = http.send(wire).readResponse();
        }

        JsonErrors.assertErrorBody(413, response);
        assertUpstreamSawOnlyASentinel(false);
    }

    @Test
    void contentLengthOverMaxBodyBytesIs413BeforeAnyBodyIsSentOrAnythingForwarded() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            // The head only: the answer cannot wait for a body that never comes.
            RawHttp.Response response = http.send("POST /rec/upload HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + (MAX_BODY_BYTES + 1) + "\r\n\r\n").readResponse();

            JsonErrors.assertErrorBody(413, response);
            assertThat(recorder.heads()).as("request heads the upstream received").isZero();
        }
        assertUpstreamSawOnlyASentinel();
    }

    // ---- max-connections ------------------------------------------------------------------------

    @Test
    void connectionOverMaxConnectionsGets503AndClosesAndASlotFreesWhenOneCloses() throws Exception {
        int max = 3;
        try (GatewayNode small = GatewayNode.start(TestConfigs.parse(limitsNode(max) + TestConfigs.OBSERVABILITY + routes()))) {
            List<RawHttp> open = new ArrayList<>();
            try {
                for (int i = 0; i < max; i++) {
                    RawHttp http = RawHttp.connect(small.proxyPort());
                    open.add(http);
                    RawHttp.Response ok = http.send("GET /rec/c" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
                    assertThat(ok.status()).as("connection %d of %d", i + 1, max).isEqualTo(200);
                }

                try (RawHttp extra = RawHttp.connect(small.proxyPort())) {
                    RawHttp.Response refused = extra.readResponse();

                    JsonErrors.assertErrorBody(503, refused);
                    assertThat(refused.header("Connection")).isEqualToIgnoringCase("close");
                    assertThat(extra.closedByPeer()).as("the extra connection is closed").isTrue();
                }
                RawHttp.Response stillServed = open.get(1).send("GET /rec/again HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
                assertThat(stillServed.status()).as("connections within the limit keep working").isEqualTo(200);

                open.remove(0).close();

                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    try (RawHttp again = RawHttp.connect(small.proxyPort())) {
                        return again.send("GET /rec/freed HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status() == 200;
                    } catch (IOException refusedMeanwhile) {
                        return false;
                    }
                });
            } finally {
                for (RawHttp http : open) {
                    http.close();
                }
            }
        }
        assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target)
                .containsSubsequence("/rec/c0", "/rec/c1", "/rec/c2", "/rec/again", "/rec/freed");
    }

    // ---- idle-timeout ---------------------------------------------------------------------------

    @Test
    void idleKeepAliveConnectionIsClosedByTheGatewayAfterTheIdleTimeout() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort(), 5_000)) {
            RawHttp.Response response = http.send("GET /rec/idle HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Connection")).as("kept alive").isNull();
            long idleSince = System.nanoTime();

            boolean closed = http.closedByPeer(); // blocks until EOF, a byte, or the 5 s read timeout
            long millis = millisSince(idleSince);

            assertThat(closed).as("closed silently (no 408 or other bytes) within 5 s").isTrue();
            assertThat(millis).as("idle-timeout 1s").isBetween(900L, 3_500L);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** A GET head of exactly {@code size} bytes, {@code Connection: close} included, padded by one header. */
    private static String headOfSize(String path, int size) {
        String prefix = "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Pad: ";
        String suffix = "\r\n\r\n";
        String head = prefix + "p".repeat(size - prefix.length() - suffix.length()) + suffix;
        assertThat(head).hasSize(size);
        return head;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void assertUpstreamSawOnlyASentinel() throws Exception {
        assertUpstreamSawOnlyASentinel(true);
    }

    /**
     * Sends a request the upstream must see, then checks it is the only complete request the
     * upstream got (and, when {@code noHeads}, the only head): the refused one never arrived.
     */
    private static void assertUpstreamSawOnlyASentinel(boolean noHeads) throws Exception {
        RawHttp.Response sentinel = RawHttp.exchange(node.proxyPort(),
                "GET /rec/sentinel HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(sentinel.status()).isEqualTo(200);
        assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target).containsExactly("/rec/sentinel");
        if (noHeads) {
            assertThat(recorder.heads()).as("request heads the upstream received").isEqualTo(1);
        }
    }
}
