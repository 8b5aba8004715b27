package dev.gateway.node.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET/PUT /admin/config} and {@code POST /admin/config/validate} on one standalone node. */
class ConfigAdminTest {
    private static final String TOKEN = "s3cret-admin";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;
    private RecordingUpstream upstream;
    private GatewayNode node;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        upstream = RecordingUpstream.start();
        node = GatewayNode.start(TestConfigs.parse("node: {name: gw-test, listen: 127.0.0.1:0, state-dir: " + state
                + ", admin: {listen: 127.0.0.1:0, token: " + TOKEN + "}}\n" + TestConfigs.OBSERVABILITY
                + shared("one", 3)));
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        upstream.close();
    }

    private String shared(String marker, int limit) {
        return """
                upstreams:
                  app: {targets: ["http://127.0.0.1:%d"]}
                rate-limits:
                  few: {algorithm: token-bucket, limit: %d, per: 1h, key: global}
                routes:
                  - id: r
                    match: {path: /a}
                    upstream: app
                    rate-limits: [few]
                    response: {set-headers: {X-Config: %s}}
                  - {id: free, match: {path: /free}, upstream: app, response: {set-headers: {X-Config: %s}}}
                """.formatted(upstream.port(), limit, marker, marker);
    }

    @Test
    void callsWithoutTheTokenGet401AndHealthStaysOpen() throws Exception {
        HttpResponse<String> noToken = send(HttpRequest.newBuilder(admin("/admin/config")).GET(), false);
        HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(admin("/admin/config"))
                .header("Authorization", "Bearer nope").PUT(HttpRequest.BodyPublishers.ofString(shared("x", 3))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonErrors.assertErrorBody(401, noToken);
        JsonErrors.assertErrorBody(401, wrong);
        assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(send(HttpRequest.newBuilder(admin("/health/ready")).GET(), false).statusCode()).isEqualTo(200);
        assertThat(node.configSync().running().version()).isEqualTo(1);
    }

    @Test
    void getShowsTheVersionInForceWithItsConfig() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(admin("/admin/config")).GET(), true);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("version").asLong()).isEqualTo(1);
        assertThat(body.get("sha256").asText()).hasSize(64);
        assertThat(body.at("/config/routes/0/id").asText()).isEqualTo("r");
        HttpResponse<String> yaml = send(HttpRequest.newBuilder(admin("/admin/config?format=yaml")).GET(), true);
        assertThat(yaml.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("yaml"));
        assertThat(yaml.body()).startsWith("# version 1, sha256 ").contains("routes:");
    }

    @Test
    void aPutPublishesAVersionThatServesAtOnceAndIsKeptOnDisk() throws Exception {
        assertThat(proxy("/free").headers().firstValue("X-Config")).contains("one");
        HttpResponse<String> put = put(shared("two", 3));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(put.body());
        assertThat(body.get("version").asLong()).isEqualTo(2);
        assertThat(body.get("outcome").asText()).isEqualTo("published");
        assertThat(body.get("applied_here").asBoolean()).isTrue();
        assertThat(proxy("/free").headers().firstValue("X-Config")).contains("two");
        assertThat(Files.readString(state.resolve("last-applied.json"))).contains("\"version\" : 2");

        JsonNode cluster = JSON.readTree(send(HttpRequest.newBuilder(admin("/admin/cluster")).GET(), true).body());
        assertThat(cluster.at("/config/nodes/gw-test/version").asLong()).isEqualTo(2);
        assertThat(cluster.at("/config/nodes/gw-test/current").asBoolean()).isTrue();
        // the build this node runs (outside the node jar: no manifest version)
        assertThat(cluster.path("build").asText()).isEqualTo("unpackaged");

        HttpResponse<String> again = put(shared("two", 3));
        assertThat(JSON.readTree(again.body()).get("outcome").asText()).isEqualTo("unchanged");
        assertThat(JSON.readTree(again.body()).get("version").asLong()).isEqualTo(2);
    }

    @Test
    void anInvalidPutIs400WithEveryErrorAndChangesNothing() throws Exception {
        HttpResponse<String> put = put("""
                upstreams:
                  app: {targets: ["http://127.0.0.1:1"], balancing: sideways}
                routes:
                  - {id: r, match: {path: /a}, upstream: ordrs}
                """);
        JsonNode body = invalid(put);
        assertThat(body.get("errors")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(body.get("errors").findValuesAsText("path")).contains("upstreams.app.balancing", "routes[0].upstream");
        assertThat(node.configSync().running().version()).isEqualTo(1);
        assertThat(proxy("/free").headers().firstValue("X-Config")).contains("one");
    }

    @Test
    void aPutOfSomethingThatIsNotAConfigIs400() throws Exception {
        invalid(put(""));
        invalid(put("{ not yaml: ["));
        assertThat(invalid(put("node: {name: x}\n")).get("errors").findValuesAsText("path")).contains("node");
        assertThat(node.configSync().running().version()).isEqualTo(1);
    }

    @Test
    void validateChecksWithoutPublishing() throws Exception {
        HttpResponse<String> ok = send(HttpRequest.newBuilder(admin("/admin/config/validate"))
                .POST(HttpRequest.BodyPublishers.ofString(shared("three", 3))), true);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get("valid").asBoolean()).isTrue();
        HttpResponse<String> bad = send(HttpRequest.newBuilder(admin("/admin/config/validate"))
                .POST(HttpRequest.BodyPublishers.ofString("routes: [{id: r}]")), true);
        invalid(bad);
        assertThat(node.configSync().running().version()).isEqualTo(1);
        HttpResponse<String> get = send(HttpRequest.newBuilder(admin("/admin/config/validate")).GET(), true);
        JsonErrors.assertErrorBody(405, get);
        assertThat(get.headers().firstValue("Allow")).contains("POST");
    }

    @Test
    void aConfigThatCannotBeBuiltHereIsRefusedWithItsPath() throws Exception {
        HttpResponse<String> put = put(shared("x", 3).replace("routes:", """
                routes:
                  - id: home
                    match: {path: /home}
                    aggregate: {user: {upstream: app, path: "/users/{path.id}"}}"""));
        JsonNode body = invalid(put);
        assertThat(body.get("errors").findValuesAsText("path")).contains("routes.home.aggregate.user.path");
        assertThat(node.configSync().running().version()).isEqualTo(1);
    }

    @Test
    void aChangedRateLimitAppliesToTheExistingBucketWithoutResettingIt() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(proxy("/a").statusCode()).isEqualTo(200);
        }
        assertThat(proxy("/a").statusCode()).isEqualTo(429);
        assertThat(put(shared("one", 5)).statusCode()).isEqualTo(200);
        // 3 of the new 5 were consumed already: two more pass, not five
        assertThat(proxy("/a").statusCode()).isEqualTo(200);
        assertThat(proxy("/a").statusCode()).isEqualTo(200);
        assertThat(proxy("/a").statusCode()).isEqualTo(429);
    }

    @Test
    void withoutAConfiguredTokenChangesAreRefused() throws Exception {
        try (GatewayNode open = GatewayNode.start(TestConfigs.withDefaults(shared("one", 3)))) {
            HttpResponse<String> put = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + open.adminPort() + "/admin/config"))
                    .PUT(HttpRequest.BodyPublishers.ofString(shared("two", 3))).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JsonErrors.assertErrorBody(403, put);
            assertThat(body.get("error").asText()).contains("node.admin.token");
            assertThat(open.configSync().running().version()).isEqualTo(1);
        }
    }

    /** A 400 in the error shape, plus {@code errors}: every problem with its path. */
    private static JsonNode invalid(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).startsWith("invalid config");
        assertThat(body.get("status").asInt()).isEqualTo(400);
        assertThat(body.has("request_id")).isTrue();
        assertThat(body.get("errors")).isNotEmpty();
        body.get("errors").forEach(e -> assertThat(e.get("message").asText()).isNotBlank());
        return body;
    }

    private HttpResponse<String> put(String body) throws Exception {
        return send(HttpRequest.newBuilder(admin("/admin/config")).PUT(HttpRequest.BodyPublishers.ofString(body)), true);
    }

    private HttpResponse<String> proxy(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxyPort() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(HttpRequest.Builder request, boolean withToken) throws Exception {
        if (withToken) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI admin(String path) {
        return URI.create("http://127.0.0.1:" + node.adminPort() + path);
    }
}
