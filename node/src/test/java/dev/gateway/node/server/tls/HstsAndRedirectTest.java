package dev.gateway.node.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code node.tls.hsts} on answers over TLS, and a route's {@code redirect-to-https} for plain requests. */
class HstsAndRedirectTest {
    private static DemoUpstream upstream;
    private static GatewayNode node;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "echo");
        tlsPort = TestConfigs.closedPort();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-tls
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  tls:
                    listen: 127.0.0.1:%d
                    certificates:%s
                    hsts: {max-age: 180d, include-subdomains: true}
                    redirect-host: 127.0.0.1
                """.formatted(tlsPort, TlsListenerIntegrationTest.certificates("api")) + TestConfigs.OBSERVABILITY + """
                upstreams:
                  echo: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: secure, match: {path: /secure/**}, upstream: echo, redirect-to-https: true}
                  - {id: all, match: {path: /**}, upstream: echo}
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

    private static HttpResponse<String> plain(String path) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .build().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxyPort() + path))
                        .header("X-Probe", "1").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> tls(String path) throws Exception {
        return HttpClient.newBuilder().sslContext(TestPki.shared().clientContext()).version(HttpClient.Version.HTTP_1_1)
                .build().send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersOverTlsCarryHstsAndPlainOnesDoNot() throws Exception {
        assertThat(tls("/x").headers().firstValue("Strict-Transport-Security"))
                .contains("max-age=15552000; includeSubDomains");
        assertThat(tls("/no/such?x").headers().firstValue("Strict-Transport-Security")).isPresent();
        assertThat(plain("/x").headers().firstValue("Strict-Transport-Security")).isEmpty();
    }

    @Test
    void aPlainRequestOnARedirectingRouteGets308ToTheTlsListener() throws Exception {
        HttpResponse<String> redirected = plain("/secure/a?b=1");
        assertThat(redirected.statusCode()).isEqualTo(308);
        assertThat(redirected.headers().firstValue("Location"))
                .contains("https://127.0.0.1:" + tlsPort + "/secure/a?b=1");
        assertThat(tls("/secure/a?b=1").statusCode()).isEqualTo(200);
        assertThat(plain("/other").statusCode()).isEqualTo(200);
    }

    /** The route has no host condition: the configured node.tls.redirect-host, never the client's Host. */
    @Test
    void aRedirectGoesToTheConfiguredRedirectHostWhateverTheHostHeaderSays() throws Exception {
        RawHttp.Response redirected = RawHttp.exchange(node.proxyPort(),
                "GET /secure/a HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");

        assertThat(redirected.status()).isEqualTo(308);
        assertThat(redirected.header("Location")).isEqualTo("https://127.0.0.1:" + tlsPort + "/secure/a");
    }
}
