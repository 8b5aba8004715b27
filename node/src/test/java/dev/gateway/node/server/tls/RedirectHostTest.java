package dev.gateway.node.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code redirect-to-https} never builds {@code Location} from a Host the client chose freely: a route's exact
 * host, the request's host when it matched the route's wildcard, or {@code node.tls.redirect-host}; without any
 * of them (this node has no redirect-host) a plain request is answered 421, not redirected.
 */
class RedirectHostTest {
    private static DemoUpstream upstream;
    private static GatewayNode node;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "echo");
        tlsPort = TestConfigs.closedPort();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-redirect
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  tls:
                    listen: 127.0.0.1:%d
                    certificates:%s
                """.formatted(tlsPort, TlsListenerIntegrationTest.certificates("api")) + TestConfigs.OBSERVABILITY + """
                upstreams:
                  echo: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: exact, match: {path: /e/**, host: api.example.com}, upstream: echo, redirect-to-https: true}
                  - {id: wild, match: {path: /w/**, host: "*.example.com"}, upstream: echo, redirect-to-https: true}
                  - {id: any, match: {path: /a/**}, upstream: echo, redirect-to-https: true}
                """.formatted(upstream.port())));
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

    private static RawHttp.Response plain(String path, String host) throws Exception {
        return RawHttp.exchange(node.proxyPort(), "GET " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close\r\n\r\n");
    }

    @Test
    void anExactHostRouteRedirectsToItsOwnHost() throws Exception {
        RawHttp.Response response = plain("/e/x?y=1", "API.example.com:8080");

        assertThat(response.status()).isEqualTo(308);
        assertThat(response.header("Location")).isEqualTo("https://api.example.com:" + tlsPort + "/e/x?y=1");
    }

    @Test
    void aWildcardRouteRedirectsToTheHostThatMatchedIt() throws Exception {
        RawHttp.Response response = plain("/w/x", "shop.example.com");

        assertThat(response.status()).isEqualTo(308);
        assertThat(response.header("Location")).isEqualTo("https://shop.example.com:" + tlsPort + "/w/x");
    }

    @Test
    void aRouteWithoutHostAndNoRedirectHostDoesNotRedirectToTheClientsHost() throws Exception {
        RawHttp.Response response = plain("/a/x", "evil.example");

        JsonErrors.assertErrorBody(421, response);
        assertThat(response.header("Location")).isNull();
        assertThat(response.bodyText()).contains("redirect-host");
    }
}
