package dev.gateway.node.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin listener's health endpoints, and JSON errors for everything else. */
class AdminHealthTest {
    private static GatewayNode node;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        node = GatewayNode.start(TestConfigs.withDefaults("""
                upstreams:
                  u: {targets: ["http://127.0.0.1:9"]}
                routes:
                  - {id: r, match: {path: /api/**}, upstream: u}
                """));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void liveIs200() throws Exception {
        HttpResponse<String> response = get("/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        assertThat(JsonErrors.parse(response.body()).get("status").asText()).isEqualTo("live");
    }

    @Test
    void readyIs200OnceStarted() throws Exception {
        HttpResponse<String> response = get("/health/ready");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JsonErrors.parse(response.body()).get("status").asText()).isEqualTo("ready");
    }

    @Test
    void unknownAdminPathIs404Json() throws Exception {
        HttpResponse<String> response = get("/no/such/endpoint");

        JsonNode body = JsonErrors.assertErrorBody(404, response);
        assertThat(body.get("error").asText()).contains("/no/such/endpoint");
    }

    @Test
    void proxyRoutesAreNotServedOnTheAdminPort() throws Exception {
        JsonErrors.assertErrorBody(404, get("/api/users"));
    }

    @Test
    void healthAnswersOnlyGetAndHead() throws Exception {
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri("/health/live"))
                .POST(HttpRequest.BodyPublishers.ofString("")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<Void> head = client.send(HttpRequest.newBuilder(uri("/health/ready"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());

        JsonErrors.assertErrorBody(405, post);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(head.statusCode()).isEqualTo(200);
    }

    @Test
    void readinessFollowsTheNodesLifecycle() {
        Health health = new Health(() -> null);
        assertThat(health.notReadyReason()).isEqualTo("starting");

        health.serving();
        assertThat(health.notReadyReason()).isNull();

        health.draining();
        assertThat(health.notReadyReason()).isEqualTo("shutting down");
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + node.adminPort() + path);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
