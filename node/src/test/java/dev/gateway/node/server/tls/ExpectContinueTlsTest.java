package dev.gateway.node.server.tls;

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
 * {@code Expect: 100-continue} with a chunked body on the TLS listener, which has a codec of its own: no 100 before
 * the request is admitted, a refusal at once with {@code Connection: close}.
 */
class ExpectContinueTlsTest {
    private static final String KEY = "alice-key-0123456789";

    private static RecordingUpstream recorder;
    private static GatewayNode node;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        recorder = RecordingUpstream.start();
        tlsPort = TestConfigs.closedPort();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-tls-expect
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  tls:
                    listen: 127.0.0.1:%d
                    certificates:%s
                """.formatted(tlsPort, TlsListenerIntegrationTest.certificates("api")) + TestConfigs.OBSERVABILITY + """
                upstreams:
                  rec: {targets: ["http://127.0.0.1:%d"]}
                consumers:
                  alice: {api-keys: ["%s"]}
                auth:
                  api-key: {header: X-API-Key}
                routes:
                  - {id: private, match: {path: /private/**}, upstream: rec, auth: [api-key]}
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
    void aRefusedChunkedRequestGets401WithoutA100() throws Exception {
        try (RawHttp http = RawHttp.over(TlsClients.connect(TestPki.shared().clientContext(), tlsPort, "api.example.com"))) {
            RawHttp.Response response = http.send("POST /private/a HTTP/1.1\r\nHost: api.example.com\r\n"
                    + "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n").readResponse();

            JsonErrors.assertErrorBody(401, response);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(http.closedByPeer()).isTrue();
        }
        assertThat(recorder.heads()).isZero();
    }

    @Test
    void anAdmittedChunkedRequestGets100ThenItsBodyGoesUpstream() throws Exception {
        try (RawHttp http = RawHttp.over(TlsClients.connect(TestPki.shared().clientContext(), tlsPort, "api.example.com"))) {
            RawHttp.Response interim = http.send("POST /private/a HTTP/1.1\r\nHost: api.example.com\r\nX-API-Key: " + KEY
                    + "\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n").readResponse();
            assertThat(interim.status()).isEqualTo(100);

            RawHttp.Response response = http.send("5\r\nhello\r\n0\r\n\r\n").readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(recorder.lastRequest().bodySha256()).isEqualTo(RecordingUpstream.sha256Hex("hello".getBytes()));
        }
    }
}
