package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.Curl;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * h2c on the plain listener with {@code node.http2.enabled}: the JDK client's {@code Upgrade: h2c}, curl's prior
 * knowledge and upgrade, many streams on one connection, request bodies; HTTP/1.1 on the same listener unchanged.
 */
class Http2ListenerTest {
    private static DemoUpstream upstream;
    private static GatewayNode node;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "echo");
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-h2
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  http2: {enabled: true}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  echo: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: all, match: {path: /**}, upstream: echo}
                """.formatted(upstream.port())));
        base = "http://127.0.0.1:" + node.proxyPort();
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

    private static HttpClient h2() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void theJdkClientUpgradesToH2cAndIsProxied() throws Exception {
        HttpClient client = h2();
        HttpResponse<String> first = client.send(HttpRequest.newBuilder(URI.create(base + "/hello?x=1"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = client.send(HttpRequest.newBuilder(URI.create(base + "/again"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.version()).as("after the upgrade").isEqualTo(HttpClient.Version.HTTP_2);
        JsonNode seen = JsonErrors.parse(second.body());
        assertThat(seen.get("path").asText()).isEqualTo("/again");
        assertThat(JsonErrors.parse(first.body()).get("path").asText()).isEqualTo("/hello");
    }

    @Test
    void requestBodiesAndManyConcurrentStreamsShareOneConnection() throws Exception {
        HttpClient client = h2();
        client.send(HttpRequest.newBuilder(URI.create(base + "/warm")).build(), HttpResponse.BodyHandlers.discarding());
        String body = "x".repeat(200_000);
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/post/" + i)).timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < all.size(); i++) {
            HttpResponse<String> r = all.get(i).get();
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode seen = JsonErrors.parse(r.body());
            assertThat(seen.get("path").asText()).isEqualTo("/post/" + i);
            assertThat(seen.get("body_bytes").asInt()).isEqualTo(body.length());
        }
    }

    @Test
    void theGatewaysOwnAnswersGoOutOverH2Too() throws Exception {
        HttpClient client = h2();
        client.send(HttpRequest.newBuilder(URI.create(base + "/warm")).build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(base + "/a%2Fb")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(refused.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JsonErrors.parse(refused.body()).get("status").asInt()).isEqualTo(400);
    }

    @Test
    void curlWithPriorKnowledgeAndWithUpgradeGetsH2() throws Exception {
        Curl.requireHttp2();
        Curl.Result prior = Curl.run("-sS", "--http2-prior-knowledge", "-w", "\n%{http_version} %{http_code}",
                base + "/prior");
        Curl.Result upgrade = Curl.run("-sS", "--http2", "-w", "\n%{http_version} %{http_code}", base + "/upgrade");

        assertThat(prior.exit()).as(prior.err()).isZero();
        assertThat(prior.out()).endsWith("\n2 200").contains("\"path\":\"/prior\"");
        assertThat(upgrade.exit()).as(upgrade.err()).isZero();
        assertThat(upgrade.out()).endsWith("\n2 200").contains("\"path\":\"/upgrade\"");
    }

    @Test
    void http11OnTheSameListenerIsUnchanged() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(), "GET /plain HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).contains("\"path\":\"/plain\"");
    }
}
