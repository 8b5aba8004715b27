package dev.gateway.node.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.Curl;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** h2 by ALPN on the {@code node.tls} listener with {@code node.http2.enabled}; HTTP/1.1 clients there unchanged. */
class Http2TlsTest {
    private static DemoUpstream upstream;
    private static GatewayNode node;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "echo");
        tlsPort = TestConfigs.closedPort();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-h2-tls
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  http2: {enabled: true}
                  tls:
                    listen: 127.0.0.1:%d
                    certificates:%s
                """.formatted(tlsPort, TlsListenerIntegrationTest.certificates("api")) + TestConfigs.OBSERVABILITY + """
                upstreams:
                  echo: {targets: ["http://127.0.0.1:%d"]}
                routes:
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

    @Test
    void alpnNegotiatesH2AndStreamsAreProxied() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TestPki.shared().clientContext())
                .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort + "/tls?x=1"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort + "/up"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("y".repeat(100_000))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(get.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(JsonErrors.parse(get.body()).get("headers").get("x-forwarded-proto").asText()).isEqualTo("https");
        assertThat(post.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(JsonErrors.parse(post.body()).get("body_bytes").asInt()).isEqualTo(100_000);
    }

    @Test
    void aClientOfferingOnlyHttp11GetsHttp11() throws Exception {
        try (SSLSocket socket = TlsClients.connect(TestPki.shared().clientContext(), tlsPort, "api.example.com")) {
            assertThat(socket.getApplicationProtocol()).isIn("", "http/1.1");
        }
        HttpClient client = HttpClient.newBuilder().sslContext(TestPki.shared().clientContext())
                .version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort + "/one"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(get.statusCode()).isEqualTo(200);
    }

    @Test
    void curlWithHttp2OverTlsGetsH2() throws Exception {
        Curl.requireHttp2();
        Curl.Result r = Curl.run("-sS", "-k", "--http2", "-w", "\n%{http_version} %{http_code}",
                "https://127.0.0.1:" + tlsPort + "/curl");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).endsWith("\n2 200").contains("\"path\":\"/curl\"");
    }
}
