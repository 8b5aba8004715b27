package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.auth.ApiKeys;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Headers a client could use against the gateway itself (issue 17, section 3): fields named by {@code Connection}
 * go on arrival, so they never take away what the gateway sets; {@code Host} is one, valid, and agrees with an
 * absolute-form target; header values carry no control characters. Raw sockets, since an HTTP client library
 * would refuse to send most of these.
 */
class HeaderAbuseTest {
    private static final String KEY = "alice-key-0123456789";
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static RecordingUpstream recorder;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        recorder = RecordingUpstream.start();
        node = GatewayNode.start(TestConfigs.parse(TestConfigs.NODE + """
                observability: {access-log: {format: "off"}, tracing: {propagate: w3c}}
                upstreams:
                  rec: {targets: ["http://127.0.0.1:%d"]}
                consumers:
                  alice: {api-keys: ["%s"], plan: gold}
                auth:
                  api-key: {header: X-API-Key}
                routes:
                  - {id: private, match: {path: /private/**}, upstream: rec, auth: [api-key]}
                  - {id: public, match: {path: /**}, upstream: rec}
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

    // ---- Connection: hop-by-hop names are the client's own fields, never the gateway's --------------

    @Test
    void aConnectionListedConsumerHeaderDoesNotRemoveTheGatewaysIdentityHeaders() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(), "GET /private/a HTTP/1.1\r\nHost: x\r\n"
                + "X-API-Key: " + KEY + "\r\nConnection: close, X-Consumer-Id, X-Consumer-Plan\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        RecordingUpstream.Recorded seen = recorder.lastRequest();
        assertThat(seen.header("X-Consumer-Id")).isEqualTo("alice");
        assertThat(seen.header("X-Consumer-Plan")).isEqualTo("gold");
    }

    @Test
    void aConnectionListedTraceparentDoesNotRemoveTheGatewaysTraceContext() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(), "GET /a HTTP/1.1\r\nHost: x\r\n"
                + "traceparent: " + TRACEPARENT + "\r\nConnection: traceparent\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        String traceparent = recorder.lastRequest().header("traceparent");
        assertThat(traceparent).as("the gateway's traceparent").isNotNull().startsWith("00-").hasSize(55);
    }

    @Test
    void aConnectionListedClientHeaderIsStillNotForwarded() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(), "GET /a HTTP/1.1\r\nHost: x\r\n"
                + "X-Hop: secret\r\nX-Kept: 1\r\nConnection: X-Hop, close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(recorder.lastRequest().header("X-Hop")).isNull();
        assertThat(recorder.lastRequest().header("X-Kept")).isEqualTo("1");
    }

    @Test
    void hostIsNeverRemovedByConnection() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(), "GET /a HTTP/1.1\r\nHost: client.example\r\n"
                + "Connection: Host, close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(recorder.lastRequest().header("X-Forwarded-Host")).isEqualTo("client.example");
    }

    // ---- Host: exactly one, valid, and the same as an absolute-form target's authority -----------------

    @Test
    void twoHostHeadersAre400() throws Exception {
        assertRefused("GET /a HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n", "Host");
    }

    @Test
    void twoIdenticalHostHeadersAre400() throws Exception {
        assertRefused("GET /a HTTP/1.1\r\nHost: a.example\r\nhost: a.example\r\n\r\n", "Host");
    }

    @Test
    void anHttp11RequestWithoutHostIs400() throws Exception {
        assertRefused("GET /a HTTP/1.1\r\nX-Other: 1\r\n\r\n", "Host");
    }

    @Test
    void anAbsoluteFormTargetWithoutHostIs400() throws Exception {
        assertRefused("GET http://a.example/x HTTP/1.1\r\nX-Other: 1\r\n\r\n", "Host");
    }

    @Test
    void aHostThatDisagreesWithTheAbsoluteFormTargetIs400() throws Exception {
        assertRefused("GET http://a.example/x HTTP/1.1\r\nHost: b.example\r\n\r\n", "request target");
    }

    @Test
    void aPortThatDisagreesWithTheAbsoluteFormTargetIs400() throws Exception {
        assertRefused("GET http://a.example:8080/x HTTP/1.1\r\nHost: a.example\r\n\r\n", "request target");
    }

    @Test
    void userinfoInAnAbsoluteFormTargetIs400() throws Exception {
        assertRefused("GET http://user@a.example/x HTTP/1.1\r\nHost: user@a.example\r\n\r\n", "userinfo");
    }

    @Test
    void aSchemeOtherThanHttpInAnAbsoluteFormTargetIs400() throws Exception {
        assertRefused("GET httpx://a.example/x HTTP/1.1\r\nHost: a.example\r\n\r\n", "request target");
    }

    @ParameterizedTest(name = "Host: {0}")
    @ValueSource(strings = {"a.example/evil", "evil.example?.a.example", "user@a.example", "a example", "a.example#x",
            "a\\b"})
    void anInvalidHostIs400(String host) throws Exception {
        assertRefused("GET /a HTTP/1.1\r\nHost: " + host + "\r\n\r\n", "Host");
    }

    @Test
    void anAbsoluteFormTargetThatAgreesWithHostIsServedInOriginForm() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(),
                "GET http://A.example:80/x?q=1 HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).as(response.rawHead()).isEqualTo(200);
        assertThat(recorder.lastRequest().target()).isEqualTo("/x?q=1");
        assertThat(recorder.lastRequest().header("X-Forwarded-Host")).isEqualToIgnoringCase("a.example:80");
    }

    @Test
    void anHttp10RequestMayHaveNoHost() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(), "GET /a HTTP/1.0\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
    }

    // ---- Control characters in header values --------------------------------------------------------

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"00", "01", "0d", "1b", "7f"})
    void aControlCharacterInAHeaderValueIs400(String hex) throws Exception {
        char control = (char) Integer.parseInt(hex, 16);
        assertRefused("GET /a HTTP/1.1\r\nHost: x\r\nX-Bad: a" + control + "b\r\n\r\n", "control character");
    }

    @Test
    void aBareCarriageReturnBeforeTheLineEndIs400() throws Exception {
        assertRefused("GET /a HTTP/1.1\r\nHost: x\r\nX-Bad: ab\r\r\n\r\n", "control character");
    }

    @Test
    void aTabInAHeaderValueIsFine() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(),
                "GET /a HTTP/1.1\r\nHost: x\r\nX-Tab: a\tb\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(recorder.lastRequest().header("X-Tab")).isEqualTo("a\tb");
    }

    private static void assertRefused(String request, String reason) throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send(request).readResponse();

            JsonNode body = JsonErrors.assertErrorBody(400, response);
            assertThat(body.get("error").asText()).containsIgnoringCase(reason);
            assertThat(http.closedByPeer()).as("connection closed after the 400").isTrue();
        }
        assertUpstreamSawOnlyASentinel();
    }

    private static void assertUpstreamSawOnlyASentinel() throws IOException {
        RawHttp.Response sentinel = RawHttp.exchange(node.proxyPort(),
                "GET /sentinel HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(sentinel.status()).isEqualTo(200);
        assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target).containsExactly("/sentinel");
        assertThat(recorder.heads()).as("request heads the upstream received").isEqualTo(1);
    }
}
