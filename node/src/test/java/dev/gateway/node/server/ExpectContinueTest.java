package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.auth.ApiKeys;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Expect: 100-continue} is answered 100 only once authentication and rate limits have admitted the request
 * (when its body is first needed); an earlier refusal goes out at once, with {@code Connection: close}, and the
 * body is never read. After any answer given before the body was read, up to 64 KiB of it are drained to keep the
 * connection; more closes it. A chunked body is treated alike: its request reaches the gateway with its head, before
 * any chunk. Raw sockets: the bytes on the wire are the point (the TLS listener: {@code ExpectContinueTlsTest}).
 */
class ExpectContinueTest {
    private static final String KEY = "alice-key-0123456789";

    private static RecordingUpstream recorder;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        recorder = RecordingUpstream.start();
        node = GatewayNode.start(TestConfigs.withDefaults("""
                upstreams:
                  rec: {targets: ["http://127.0.0.1:%d"]}
                consumers:
                  alice: {api-keys: ["%s"]}
                auth:
                  api-key: {header: X-API-Key}
                routes:
                  - {id: private, match: {path: /private/**}, upstream: rec, auth: [api-key]}
                  - {id: public, match: {path: /pub/**}, upstream: rec}
                  - {id: limited, match: {path: /limited/**}, upstream: rec, rate-limits: [per-route]}
                rate-limits:
                  per-route: {limit: 1, per: 1m, key: route}
                """.formatted(recorder.port(), ApiKeys.hash(KEY))));
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
    void aRefusedRequestGets401WithoutA100AndTheConnectionCloses() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send("POST /private/a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
                    + "Expect: 100-continue\r\n\r\n").readResponse();

            JsonErrors.assertErrorBody(401, response);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(http.closedByPeer()).as("closed without waiting for the body").isTrue();
        }
        assertThat(recorder.heads()).isZero();
    }

    @Test
    void aRefusedChunkedRequestGets401WithoutA100AndTheConnectionCloses() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send("POST /private/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Expect: 100-continue\r\n\r\n").readResponse();

            JsonErrors.assertErrorBody(401, response);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(http.closedByPeer()).as("closed without waiting for the body").isTrue();
        }
        assertThat(recorder.heads()).isZero();
    }

    @Test
    void anUnroutedChunkedRequestGets404WithoutA100() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send("PUT /nowhere HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Expect: 100-continue\r\n\r\n").readResponse();

            JsonErrors.assertErrorBody(404, response);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(http.closedByPeer()).isTrue();
        }
    }

    @Test
    void aRateLimitedChunkedRequestGets429WithoutA100() throws Exception {
        // the route's one token for the minute goes to a first request without a body
        assertThat(RawHttp.exchange(node.proxyPort(), "GET /limited/first HTTP/1.1\r\nHost: x\r\n\r\n").status())
                .isEqualTo(200);
        recorder.reset();
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send("POST /limited/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Expect: 100-continue\r\n\r\n").readResponse();

            JsonErrors.assertErrorBody(429, response);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(http.closedByPeer()).isTrue();
        }
        assertThat(recorder.heads()).isZero();
    }

    @Test
    void anAdmittedChunkedRequestGets100ThenItsBodyStreamsUpstreamWhole() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response interim = http.send("POST /private/a HTTP/1.1\r\nHost: x\r\nX-API-Key: " + KEY
                    + "\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n").readResponse();
            assertThat(interim.status()).isEqualTo(100);

            http.send("5\r\nhello\r\n");
            RawHttp.Response response = http.send("6\r\n world\r\n0\r\n\r\n").readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Connection")).isNull();
            assertThat(recorder.lastRequest().bodySha256())
                    .isEqualTo(RecordingUpstream.sha256Hex("hello world".getBytes()));
            assertThat(recorder.lastRequest().header("Expect")).isNull();

            RawHttp.Response next = http.send("GET /pub/next HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertThat(next.status()).as("the connection serves the next request").isEqualTo(200);
            assertThat(recorder.lastRequest().target()).isEqualTo("/pub/next");
        }
    }

    /** RFC 9110 10.1.1: a server that receives a 100-continue expectation in an HTTP/1.0 request MUST ignore it. */
    @Test
    void anHttp10ExpectationIsIgnored() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort(), 1000)) {
            http.send("POST /pub/old HTTP/1.0\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertThat(http.silentForReadTimeout()).as("no 100 for HTTP/1.0").isTrue();

            RawHttp.Response response = http.send("hello").readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(recorder.lastRequest().bodySha256()).isEqualTo(RecordingUpstream.sha256Hex("hello".getBytes()));
        }
    }

    @Test
    void anEarly404WithAnExpectationGoesOutAtOnceAndCloses() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
                    + "Expect: 100-continue\r\n\r\n").readResponse();

            JsonErrors.assertErrorBody(404, response);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(http.closedByPeer()).isTrue();
        }
    }

    @Test
    void anAdmittedRequestGets100ThenTheUpstreamsAnswer() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response interim = http.send("POST /private/a HTTP/1.1\r\nHost: x\r\nX-API-Key: " + KEY
                    + "\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n").readResponse();
            assertThat(interim.status()).isEqualTo(100);

            RawHttp.Response response = http.send("hello").readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(recorder.lastRequest().bodySha256()).isEqualTo(RecordingUpstream.sha256Hex("hello".getBytes()));
            assertThat(recorder.lastRequest().header("Expect")).isNull();
        }
    }

    @Test
    void anAdmittedChunkedRequestGets100ThenTheUpstreamsAnswer() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response interim = http.send("POST /pub/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Expect: 100-continue\r\n\r\n").readResponse();
            assertThat(interim.status()).isEqualTo(100);

            RawHttp.Response response = http.send("5\r\nhello\r\n0\r\n\r\n").readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(recorder.lastRequest().bodySha256()).isEqualTo(RecordingUpstream.sha256Hex("hello".getBytes()));
        }
    }

    @Test
    void anEarly404WithASmallUnreadBodyKeepsTheConnection() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
                    .readResponse();
            JsonErrors.assertErrorBody(404, response);
            assertThat(response.header("Connection")).isNull();

            RawHttp.Response next = http.send("x".repeat(1000) + "GET /pub/next HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertThat(next.status()).isEqualTo(200);
            assertThat(recorder.lastRequest().target()).isEqualTo("/pub/next");
        }
    }

    @Test
    void anEarly404WithALargeUnreadBodyClosesTheConnection() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n"
                    + "x".repeat(1024)).readResponse();

            JsonErrors.assertErrorBody(404, response);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(http.closedByPeer()).isTrue();
        }
    }

    @Test
    void anEarly400WithAnUnfinishedChunkedBodyClosesTheConnection() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send("POST /pub/%zz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "400\r\n" + "x".repeat(1024) + "\r\n").readResponse();

            JsonErrors.assertErrorBody(400, response);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(http.closedByPeer()).isTrue();
        }
    }
}
