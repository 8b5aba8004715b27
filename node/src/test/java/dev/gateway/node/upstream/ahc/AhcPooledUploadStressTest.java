package dev.gateway.node.upstream.ahc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.SimpleHttp;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streamed request bodies through the ahc client on one pooled keep-alive connection
 * ({@code pool.max-connections: 1}), POSTs interleaved with GETs and downloads.
 *
 * <p>Regression for two ways a client's body ended badly: a chunk the body delivered once more
 * after being paused (its end of input) replaced the chunk still waiting in the feeder, so the
 * upstream got the head with its {@code Content-Length} but not the bytes and never answered
 * (504 after the response timeout); and a body whose end signal never came after its last byte
 * left AHC waiting for the request to be "sent" before returning the connection to the pool (so
 * the next request, with a one-connection pool, waited for it until its timeout). Either shows up
 * here as a 504 within a few dozen rounds without the fix.
 */
class AhcPooledUploadStressTest {
    private static final int ROUNDS = 150;

    private static DemoUpstream demo;
    private static GatewayNode node;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        demo = DemoUpstream.start("127.0.0.1", 0, "ahc-pool");
        // A generous response timeout: it only bounds how long a lost request takes to show.
        node = AhcNodes.start("""
                upstreams:
                  one: {targets: ["http://127.0.0.1:%d"], timeouts: {response: 5s}, pool: {max-connections: 1}}
                routes:
                  - {id: one, match: {path: /one/**}, upstream: one}
                """.formatted(demo.port()));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void postsWithBodiesOnOnePooledConnectionAllComeBack() throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            String text = "{\"round\":" + i + ",\"pad\":\"" + "x".repeat(i % 7 == 0 ? 20_000 : i % 50) + "\"}";
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri("/one/things?round=" + i))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as("POST in round %d: %s", i, post.body()).isEqualTo(200);
            JsonNode seen = JsonErrors.parse(post.body());
            assertThat(seen.get("body_bytes").asInt()).as("round %d", i).isEqualTo(bytes.length);

            if (i % 10 == 0) {
                long size = 512 * 1024;
                HttpResponse<InputStream> big = client.send(HttpRequest.newBuilder(uri("/one/big?bytes=" + size))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(big.statusCode()).as("download in round %d", i).isEqualTo(200);
                try (InputStream in = big.body()) {
                    assertThat(in.readAllBytes().length).as("round %d", i).isEqualTo(size);
                }
            } else {
                HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri("/one/plain?round=" + i))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(get.statusCode()).as("GET in round %d: %s", i, get.body()).isEqualTo(200);
            }
        }
    }

    private static URI uri(String pathAndQuery) {
        return SimpleHttp.uri(node.proxyPort(), pathAndQuery);
    }
}
