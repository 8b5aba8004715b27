package dev.gateway.node.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /admin/openapi.json} against the real admin routes: every route of {@link AdminApi#ROUTES} is documented
 * with each of its methods, nothing else is, and every documented operation, called on a running node with its
 * examples (a config with an error for the writes), answers with one of its documented statuses.
 */
class OpenApiDocumentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static GatewayNode node;
    private static JsonNode document;

    @BeforeAll
    static void start() throws Exception {
        node = GatewayNode.start(TestConfigs.parse("""
                node: {name: gw-openapi, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0, token: s3cret}}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  u: {targets: ["http://127.0.0.1:9"]}
                rate-limits:
                  per-ip: {algorithm: token-bucket, limit: 100, per: 1m, key: ip}
                routes:
                  - {id: r, match: {path: /api/**}, upstream: u, rate-limits: [per-ip]}
                """));
        HttpResponse<String> r = call("GET", "/admin/openapi.json", null, true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        document = JSON.readTree(r.body());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static HttpResponse<String> call(String method, String target, String body, boolean token)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + target))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token) {
            b.header("Authorization", "Bearer s3cret");
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static TreeSet<String> operations(JsonNode paths) {
        TreeSet<String> out = new TreeSet<>();
        paths.fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m ->
                out.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
        return out;
    }

    @Test
    void theDocumentIsOpenApi31AndDescribesEveryAdminRouteAndNothingElse() {
        assertThat(document.path("openapi").asText()).isEqualTo("3.1.0");
        TreeSet<String> routes = new TreeSet<>();
        for (AdminApi.Route route : AdminApi.ROUTES) {
            for (String method : route.methods().split(", ")) {
                if (!method.equals("HEAD")) {
                    routes.add(method + " " + route.template());
                }
            }
        }

        assertThat(operations(document.path("paths"))).isEqualTo(routes);
    }

    @Test
    void everyDocumentedOperationAnswersAsDocumented() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                String method = op.getKey().toUpperCase(Locale.ROOT);
                String target = target(path.getKey(), op.getValue());
                String body = op.getValue().has("requestBody") ? "routes:\n  - {id: x, match: {path: /x}, upstream: nope}\n"
                        : null;
                HttpResponse<String> r = call(method, target, body, true);
                JsonNode responses = op.getValue().path("responses");
                assertThat(responses.has(String.valueOf(r.statusCode())))
                        .as(method + " " + target + " answered " + r.statusCode() + " " + r.body()
                                + ", documented: " + responses.fieldNames().next() + "...")
                        .isTrue();
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/");
                assertThat(responses.has("401")).as(method + " " + target + " documents 401").isTrue();
                assertThat(call(method, target, body, false).statusCode()).as(method + " " + target + " without token")
                        .isEqualTo(401);
                checked.add(method + " " + target + " " + r.statusCode());
            }
        }
        assertThat(checked).hasSizeGreaterThanOrEqualTo(AdminApi.ROUTES.size());
        System.out.println("OpenApiDocumentTest: " + checked);
    }

    /** The path with each parameter's example, and the required query parameters with theirs. */
    private static String target(String template, JsonNode op) {
        String path = template;
        StringBuilder query = new StringBuilder();
        for (JsonNode p : op.path("parameters")) {
            String example = p.path("example").asText();
            if (p.path("in").asText().equals("path")) {
                path = path.replace("{" + p.path("name").asText() + "}", URLEncoder.encode(example, StandardCharsets.UTF_8));
            } else if (p.path("required").asBoolean()) {
                query.append(query.isEmpty() ? "?" : "&").append(p.path("name").asText()).append('=').append(example);
            }
        }
        return path + query;
    }
}
