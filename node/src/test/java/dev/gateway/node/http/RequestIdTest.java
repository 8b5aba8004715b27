package dev.gateway.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One request id format (32 lowercase hex digits), echoed in {@code X-Request-Id} by every answer,
 * whichever part of the gateway made it: the router (404, 405), a listener guard below HTTP
 * parsing (431), Grizzly's codec (a broken chunk), a route's correlation id.
 */
class RequestIdTest {
    private static final String ID = "[0-9a-f]{32}";

    private static RecordingUpstream upstream;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        upstream = RecordingUpstream.start();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-test
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  limits: {max-header-bytes: 2048}
                observability: {access-log: {format: "off"}, tracing: {propagate: "off"}}
                upstreams:
                  rec: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: get-only, match: {path: /get-only/**, methods: [GET]}, upstream: rec}
                  - {id: correlated, match: {path: /correlated/**}, upstream: rec, request: {correlation-id: X-Request-Id}}
                """.formatted(upstream.port())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void noRouteEchoesItsIdInAHeader() throws Exception {
        assertEchoed(RawHttp.exchange(node.proxyPort(), "GET /nowhere HTTP/1.1\r\nHost: a\r\n\r\n"), 404);
    }

    @Test
    void methodNotAllowedEchoesItsIdInAHeader() throws Exception {
        assertEchoed(RawHttp.exchange(node.proxyPort(), "DELETE /get-only/x HTTP/1.1\r\nHost: a\r\n\r\n"), 405);
    }

    @Test
    void aRefusalBelowHttpParsingHasAnIdToo() throws Exception {
        String big = "x".repeat(4096);
        assertEchoed(RawHttp.exchange(node.proxyPort(), "GET /get-only/x HTTP/1.1\r\nHost: a\r\nX-Big: " + big + "\r\n\r\n"), 431);
    }

    @Test
    void aCodecRefusalHasAnIdToo() throws Exception {
        RawHttp.Response r = RawHttp.exchange(node.proxyPort(), "POST /correlated/x HTTP/1.1\r\nHost: a\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n\r\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("X-Request-Id")).matches(ID);
    }

    @Test
    void aGeneratedCorrelationIdHasTheSameFormat() throws Exception {
        RawHttp.Response r = RawHttp.exchange(node.proxyPort(), "GET /correlated/x HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Request-Id")).matches(ID);
    }

    private static void assertEchoed(RawHttp.Response r, int status) {
        assertThat(r.status()).isEqualTo(status);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        String id = JsonErrors.parse(body).get("request_id").asText();
        assertThat(id).matches(ID);
        assertThat(r.header("X-Request-Id")).as("the body's id, echoed").isEqualTo(id);
    }
}
