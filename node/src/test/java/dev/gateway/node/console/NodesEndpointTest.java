package dev.gateway.node.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/nodes}: every node's summary from any node, and a node that left shown as gone (ports 5797-5798). */
class NodesEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private GatewayNode one;
    private GatewayNode two;

    @AfterEach
    void stop() {
        if (two != null) {
            two.close();
        }
        if (one != null) {
            one.close();
        }
    }

    private static GatewayNode node(String name, int clusterPort, String clusterName) throws Exception {
        return GatewayNode.start(TestConfigs.parse("""
                node: {name: %s, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0, token: s3cret}}
                cluster:
                  name: %s
                  listen: 127.0.0.1:%d
                  discovery: {static: [127.0.0.1:5797, 127.0.0.1:5798]}
                  expected-size: 2
                  min-size: 1
                  allow-minority: true
                """.formatted(name, clusterName, clusterPort) + TestConfigs.OBSERVABILITY + """
                upstreams:
                  u: {targets: ["http://127.0.0.1:9"], circuit-breaker: {failure-rate: 50%, minimum-calls: 5, window: 10s, open-for: 30s}}
                routes:
                  - {id: r, match: {path: /api/**}, upstream: u}
                """));
    }

    private JsonNode nodes(GatewayNode node) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.adminPort() + "/admin/nodes"))
                .header("Authorization", "Bearer s3cret").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode row(JsonNode nodes, String name) {
        for (JsonNode n : nodes.path("nodes")) {
            if (n.path("node").asText().equals(name)) {
                return n;
            }
        }
        return null;
    }

    @Test
    void everyNodeIsSeenFromAnyNodeAndOneThatLeftIsShownGone() throws Exception {
        String cluster = "nodes-" + UUID.randomUUID().toString().substring(0, 8);
        one = node("gw-1", 5797, cluster);
        two = node("gw-2", 5798, cluster);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode seen = nodes(one);
            assertThat(seen.path("node").asText()).isEqualTo("gw-1");
            for (String name : new String[] {"gw-1", "gw-2"}) {
                JsonNode row = row(seen, name);
                assertThat(row).as(name).isNotNull();
                assertThat(row.path("status").asText()).isEqualTo("up");
                assertThat(row.path("ready").asBoolean()).isTrue();
                assertThat(row.path("config_version").asLong()).isPositive();
                assertThat(row.path("breakers").path("u").asText()).isEqualTo("closed");
                assertThat(row.has("requests")).isTrue();
                assertThat(row.has("errors")).isTrue();
                assertThat(row.path("uptime_seconds").asLong()).isNotNegative();
            }
            assertThat(row(seen, "gw-1").path("local").asBoolean()).isTrue();
            assertThat(row(seen, "gw-2").path("local").asBoolean()).isFalse();
        });

        two.close();
        two = null;

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode row = row(nodes(one), "gw-2");
            assertThat(row).isNotNull();
            assertThat(row.path("status").asText()).isEqualTo("gone");
            assertThat(row.path("last_seen").asText()).isNotEmpty();
        });
        assertThat(row(nodes(one), "gw-1").path("status").asText()).isEqualTo("up");
    }

    @Test
    void aStandaloneNodeCountsItsOwnRequests() throws Exception {
        one = GatewayNode.start(TestConfigs.parse("""
                node: {name: solo, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0, token: s3cret}}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  u: {targets: ["http://127.0.0.1:9"]}
                routes:
                  - {id: r, match: {path: /api/**}, upstream: u}
                """));
        for (int i = 0; i < 3; i++) {
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + one.proxyPort() + "/api/x")).build(),
                    HttpResponse.BodyHandlers.discarding());
        }

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode row = row(nodes(one), "solo");
            assertThat(row).isNotNull();
            assertThat(row.path("requests").asLong()).isEqualTo(3);
            assertThat(row.path("errors").asLong()).isEqualTo(3);
        });
    }
}
