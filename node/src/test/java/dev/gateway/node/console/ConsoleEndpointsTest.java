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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the console's Traffic and Config pages read, on one standalone node: the per-second traffic history, the config
 * history with who published each version, a diff of two versions, and the audit log of admin writes.
 */
class ConsoleEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHARED = TestConfigs.OBSERVABILITY + """
            upstreams:
              u: {targets: ["http://127.0.0.1:9"]}
            routes:
              - {id: r, match: {path: /api/**}, upstream: u}
            """;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        node = GatewayNode.start(TestConfigs.parse("""
                node: {name: gw-console, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0, token: s3cret}}
                """ + SHARED));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
                .header("Authorization", "Bearer s3cret").timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = admin("GET", path, null);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static void proxyGet(String path) throws Exception {
        CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxyPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
    }

    private static JsonNode series(JsonNode traffic, String route) {
        for (JsonNode s : traffic.path("series")) {
            if (route == null ? s.path("route").isNull() : s.path("route").asText().equals(route)) {
                return s;
            }
        }
        return null;
    }

    private static List<Double> values(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(v -> out.add(v.isNull() ? null : v.asDouble()));
        return out;
    }

    @Test
    void theTrafficHistoryHasPerSecondRatesOfTheNodeAndItsRoutes() throws Exception {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (int i = 0; i < 5; i++) {
                proxyGet("/api/x");
            }
            JsonNode traffic = get("/admin/traffic");
            JsonNode total = series(traffic, null);
            JsonNode route = series(traffic, "r");
            assertThat(total).isNotNull();
            assertThat(route).isNotNull();
            assertThat(total.path("node").asText()).isEqualTo("gw-console");
            assertThat(values(total.path("requests"))).anyMatch(v -> v != null && v > 0);
            assertThat(values(route.path("errors"))).as("502s from a closed port").anyMatch(v -> v != null && v > 0);
            assertThat(values(route.path("p99_ms"))).anyMatch(v -> v != null && v > 0);
        });
        JsonNode all = get("/admin/traffic");
        long through = all.path("through").asLong();
        assertThat(through).isPositive();
        JsonNode later = get("/admin/traffic?since=" + through);
        for (JsonNode s : later.path("series")) {
            s.path("t").forEach(t -> assertThat(t.asLong()).isGreaterThan(through));
        }
    }

    @Test
    void eachPublishIsKeptWithWhoAndWhenDiffableAndAudited() throws Exception {
        HttpResponse<String> bad = admin("PUT", "/admin/config", SHARED.replace("upstream: u", "upstream: nope"));
        assertThat(bad.statusCode()).isEqualTo(400);
        String changed = SHARED + "  - {id: extra, match: {path: /extra/**}, upstream: u}\n";
        HttpResponse<String> published = admin("PUT", "/admin/config", changed);
        assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
        long version = JSON.readTree(published.body()).path("version").asLong();
        assertThat(version).isEqualTo(2);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("/admin/config/history").path("versions")).hasSize(2));
        JsonNode newest = get("/admin/config/history").path("versions").get(0);
        assertThat(newest.path("version").asLong()).isEqualTo(2);
        assertThat(newest.path("published_by").asText()).isEqualTo("admin token from 127.0.0.1 via gw-console (admin API)");
        assertThat(newest.path("published_at").asText()).endsWith("Z");

        JsonNode diff = get("/admin/config/diff?from=1&to=2");
        assertThat(diff.path("added").asLong()).isPositive();
        List<String> lines = new ArrayList<>();
        diff.path("lines").forEach(l -> lines.add(l.asText()));
        assertThat(lines).anyMatch(l -> l.startsWith("+") && l.contains("extra"));
        assertThat(lines).noneMatch(l -> l.startsWith("-") && l.contains("extra"));
        assertThat(admin("GET", "/admin/config/diff?from=1&to=99", null).statusCode()).isEqualTo(404);
        assertThat(admin("GET", "/admin/config/diff", null).statusCode()).isEqualTo(400);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode entries = get("/admin/audit").path("entries");
            assertThat(entries).hasSizeGreaterThanOrEqualTo(2);
            JsonNode last = entries.get(0);
            assertThat(last.path("who").asText()).isEqualTo("admin token from 127.0.0.1");
            assertThat(last.path("node").asText()).isEqualTo("gw-console");
            assertThat(last.path("action").asText()).isEqualTo("PUT /admin/config");
            assertThat(last.path("status").asInt()).isEqualTo(200);
            assertThat(last.path("result").asText()).isEqualTo("published version 2");
            JsonNode refused = entries.get(1);
            assertThat(refused.path("status").asInt()).isEqualTo(400);
            assertThat(refused.path("result").asText()).contains("invalid config");
        });
    }

    @Test
    void theClusterPageGetsTheNodesAndTheClusterViewInOneCall() throws Exception {
        JsonNode out = get("/admin/nodes?with=cluster");

        assertThat(out.path("cluster").path("node").asText()).isEqualTo("gw-console");
        assertThat(out.path("nodes").isArray()).isTrue();
    }
}
