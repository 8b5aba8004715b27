package dev.gateway.node.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests a proxy must never forward because their meaning is unclear (RFC 9112 2.2, 5.2, 6.3,
 * 7.1): each is answered 400 with the JSON error, its connection closed, and the upstream never
 * sees it.
 */
class MalformedRequestTest {
    private static RecordingUpstream recorder;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        recorder = RecordingUpstream.start();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-malformed
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  limits: {header-timeout: 2s, drain-timeout: 1s}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  rec: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: rec, match: {path: /**}, upstream: rec}
                """.formatted(recorder.port())));
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

    @Test
    void garbageRequestLineIs400() throws Exception {
        assertRefused400("GARBAGE\r\n\r\n");
    }

    @Test
    void unknownHttpVersionIs400() throws Exception {
        assertRefused400("GET /x HTTP/9.9\r\nHost: x\r\n\r\n");
    }

    @Test
    void contentLengthWithTransferEncodingIs400() throws Exception {
        assertRefused400("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n");
    }

    @Test
    void transferEncodingBeforeContentLengthIs400() throws Exception {
        assertRefused400("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n");
    }

    @Test
    void twoDifferentContentLengthsAre400() throws Exception {
        assertRefused400("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    }

    /** RFC 9112 6.3 would allow collapsing identical values; the gateway refuses them by design. */
    @Test
    void twoIdenticalContentLengthsAre400() throws Exception {
        assertRefused400("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello");
    }

    @Test
    void obsoleteLineFoldingIs400() throws Exception {
        assertRefused400("GET /x HTTP/1.1\r\nHost: x\r\nX-Folded: first\r\n second\r\n\r\n");
    }

    @Test
    void obsoleteLineFoldingWithATabIs400() throws Exception {
        assertRefused400("GET /x HTTP/1.1\r\nHost: x\r\nX-Folded: first\r\n\tsecond\r\n\r\n");
    }

    // ---- Transfer-Encoding the gateway cannot frame as the client meant (RFC 9112 6.1, 6.3) ------
    // Each smuggles a second request in what the client declared as its body: a hop that honours
    // the Transfer-Encoding sees one request, a hop that ignores it sees two.

    /** HTTP/1.0 has no chunked coding: the framing is faulty, even kept alive (RFC 9112 6.1). */
    @Test
    void transferEncodingInAnHttp10RequestIs400() throws Exception {
        assertRefused400("POST /x HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    /** When chunked is not the final coding the body length cannot be known: 400 (RFC 9112 6.3). */
    @Test
    void chunkedThatIsNotTheFinalTransferCodingIs400() throws Exception {
        assertRefused400("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
                + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    @Test
    void transferEncodingFieldsEndingInAnotherCodingThanChunkedAre400() throws Exception {
        assertRefused400("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n");
    }

    /**
     * A coding the gateway does not implement (RFC 9112 6.1: 501): forwarding the body with only
     * the chunked coding removed would hand the upstream gzip bytes it was never told about.
     */
    @Test
    void transferCodingOtherThanChunkedIs501() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n").readResponse();

            JsonErrors.assertErrorBody(501, response);
            assertThat(http.closedByPeer()).isTrue();
        }
        assertUpstreamSawOnlyASentinel(true);
    }

    @Test
    void plainChunkedBodyIsStillForwarded() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(), "POST /fine HTTP/1.1\r\nHost: x\r\n"
                + "Transfer-Encoding: Chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(recorder.lastRequest().target()).isEqualTo("/fine");
        assertThat(recorder.lastRequest().bodySha256()).isEqualTo(RecordingUpstream.sha256Hex("hello".getBytes()));
    }

    /**
     * The head is fine, so the request may already be on its way upstream when the bad chunk
     * size turns up: the client gets 400 and the upstream never receives a complete request.
     *
     * <p>Known gap: this 400 comes from Grizzly's chunked decoder ({@code HttpBrokenContentException}),
     * not from the gateway, and has an empty body ({@code Content-Length: 0}, no Content-Type)
     * instead of the JSON error of docs/configuration.md. The test accepts that empty body, and checks the JSON
     * shape as soon as there is a body.
     */
    @Test
    void invalidChunkSizeIs400AndTheUpstreamNeverGetsACompleteRequest() throws Exception {
        RawHttp.Response response;
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            response = http.send("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\nhello\r\n0\r\n\r\n").readResponse();
            assertThat(http.closedByPeer()).as("connection closed after the 400").isTrue();
        }

        assertThat(response.status()).as(response.rawHead()).isEqualTo(400);
        assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
        if (response.body().length == 0) {
            assertThat(response.header("Content-Length")).as("Grizzly's own empty 400").isEqualTo("0");
        } else {
            JsonErrors.assertErrorBody(400, response);
        }
        assertUpstreamSawOnlyASentinel(false);
    }

    private static void assertRefused400(String request) throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send(request).readResponse();

            JsonErrors.assertErrorBody(400, response);
            assertThat(http.closedByPeer()).as("connection closed after the 400").isTrue();
        }
        assertUpstreamSawOnlyASentinel(true);
    }

    /**
     * Sends a request the upstream must see, then checks it is the only complete request the
     * upstream got (and, when {@code noHeads}, the only head): the refused one never arrived.
     */
    private static void assertUpstreamSawOnlyASentinel(boolean noHeads) throws IOException {
        RawHttp.Response sentinel = RawHttp.exchange(node.proxyPort(),
                "GET /sentinel HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(sentinel.status()).isEqualTo(200);
        assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target).containsExactly("/sentinel");
        if (noHeads) {
            assertThat(recorder.heads()).as("request heads the upstream received").isEqualTo(1);
        }
    }
}
