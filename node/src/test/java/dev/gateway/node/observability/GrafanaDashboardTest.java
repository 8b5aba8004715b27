package dev.gateway.node.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.PrometheusScrape;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/grafana/gateway-dashboard.json} queries only what a node exposes: every metric named in a query (panels,
 * template variables, annotations) is a sample of a real node's {@code /metrics}, and each label value a query selects
 * with {@code =} occurs on it. The node is driven so that every family has its series: traffic through a healthy
 * upstream and a dead one (its breaker opens), rate-limited requests, and a request the listener refuses.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "gateway-dashboard.json");
    private static final Pattern SELECTOR = Pattern.compile("\\b((?:gateway|jvm|process)_[a-zA-Z0-9_]*)(\\{([^}]*)\\})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!=|!~|=)\\s*\"([^\"]*)\"");
    private static final Set<String> ADDED_BY_PROMETHEUS = Set.of("instance", "job");

    /** Every query of the dashboard. */
    static List<String> queries(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> out.add(e.asText()));
        dashboard.findValues("definition").forEach(e -> out.add(e.asText()));
        return out;
    }

    @Test
    void everyMetricTheDashboardQueriesIsOneTheNodeExposes() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        List<String> queries = queries(dashboard);
        assertThat(queries).hasSizeGreaterThanOrEqualTo(10);

        try (RecordingUpstream upstream = RecordingUpstream.start()) {
            GatewayNode node = GatewayNode.start(TestConfigs.parse("""
                    node: {name: gw-grafana, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0, token: s3cret}}
                    """ + TestConfigs.OBSERVABILITY + """
                    upstreams:
                      ok: {targets: ["http://127.0.0.1:%d"]}
                      down: {targets: ["http://127.0.0.1:9"], circuit-breaker: {failure-rate: 50%%, minimum-calls: 5, window: 10s, open-for: 30s}}
                    rate-limits:
                      per-ip: {algorithm: token-bucket, limit: 100, per: 1m, key: ip}
                    routes:
                      - {id: ok, match: {path: /ok/**}, upstream: ok, rate-limits: [per-ip]}
                      - {id: down, match: {path: /down/**}, upstream: down}
                    """.formatted(upstream.port())));
            try {
                drive(node);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> check(queries, scrape(node)));
            } finally {
                node.close();
            }
        }
    }

    private static void check(List<String> queries, PrometheusScrape scrape) {
        Set<String> names = new LinkedHashSet<>();
        scrape.samples().forEach(s -> names.add(s.name()));
        List<String> problems = new ArrayList<>();
        int selectors = 0;
        for (String query : queries) {
            Matcher m = SELECTOR.matcher(query);
            while (m.find()) {
                selectors++;
                String name = m.group(1);
                if (!names.contains(name)) {
                    problems.add(name + " (in " + query + ") is not on /metrics");
                    continue;
                }
                if (m.group(3) == null) {
                    continue;
                }
                Matcher label = MATCHER.matcher(m.group(3));
                while (label.find()) {
                    String l = label.group(1);
                    String value = label.group(3);
                    if (!label.group(2).equals("=") || ADDED_BY_PROMETHEUS.contains(l) || value.contains("$")) {
                        continue;
                    }
                    if (scrape.samples().stream().noneMatch(s -> s.name().equals(name) && value.equals(s.labels().get(l)))) {
                        problems.add(name + "{" + l + "=\"" + value + "\"} (in " + query + ") has no series on /metrics");
                    }
                }
            }
        }
        assertThat(selectors).as("metrics named by the dashboard's queries").isGreaterThanOrEqualTo(15);
        assertThat(problems).isEmpty();
    }

    private static void drive(GatewayNode node) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (String path : List.of("/ok/a", "/ok/b", "/ok/c", "/down/1", "/down/2", "/down/3", "/down/4", "/down/5",
                "/down/6", "/down/7")) {
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxyPort() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
        }
        RawHttp.exchange(node.proxyPort(), "GET /ok/x HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n");
    }

    private static PrometheusScrape scrape(GatewayNode node) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.adminPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return PrometheusScrape.parse(r.body());
    }
}
