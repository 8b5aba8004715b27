package dev.gateway.node.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.PrometheusScrape;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Active and passive health checks through a real node: who gets traffic when a target dies
 * and comes back, and what {@code /admin/upstreams} and {@code /metrics} say meanwhile.
 */
class HealthCheckIntegrationTest {
    private static final String TOKEN = "s3cret-admin";
    private static final Duration DETECTION = Duration.ofSeconds(5);
    private static final SimpleHttp HTTP = new SimpleHttp();

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void activeChecksTakeAStoppedTargetOutAndReadmitItWhenItComesBack() throws Exception {
        DemoUpstream a = track(DemoUpstream.start("127.0.0.1", 0, "a"));
        DemoUpstream b = track(DemoUpstream.start("127.0.0.1", 0, "b"));
        int portA = a.port();
        GatewayNode node = startNode("""
                upstreams:
                  svc:
                    targets: ["http://127.0.0.1:%d", "http://127.0.0.1:%d"]
                    health: {active: {path: /health, interval: 200ms, timeout: 200ms, healthy-after: 2, unhealthy-after: 2}}
                routes:
                  - {id: svc, match: {path: /**}, upstream: svc}
                """.formatted(portA, b.port()));
        assertThat(servicesOf(node, 6)).as("both targets serve at first").containsOnlyKeys("a", "b");

        a.close();
        await().atMost(DETECTION).until(() -> Boolean.FALSE.equals(healthOf(node, "svc", portA)));

        Map<String, Integer> during = servicesOf(node, 20);
        assertThat(during).as("all traffic to the healthy target, no errors").containsOnly(Map.entry("b", 20));
        assertThat(healthGauge(node, "svc", portA)).hasValue(0);

        DemoUpstream back = track(DemoUpstream.start("127.0.0.1", portA, "a-again"));
        assertThat(back.port()).isEqualTo(portA);
        await().atMost(DETECTION).until(() -> Boolean.TRUE.equals(healthOf(node, "svc", portA)));

        Map<String, Integer> after = servicesOf(node, 10);
        assertThat(after).as("re-admitted, and no stale pooled connection fails").containsOnly(
                Map.entry("a-again", 5), Map.entry("b", 5));
        assertThat(healthGauge(node, "svc", portA)).hasValue(1);
    }

    @Test
    void passiveChecksEjectATargetWhoseConnectionsFail() throws Exception {
        int dead = TestConfigs.closedPort();
        DemoUpstream b = track(DemoUpstream.start("127.0.0.1", 0, "b"));
        GatewayNode node = startNode("""
                upstreams:
                  svc:
                    targets: ["http://127.0.0.1:%d", "http://127.0.0.1:%d"]
                    timeouts: {connect: 300ms}
                    health: {passive: {unhealthy-after: 3}}
                routes:
                  - {id: svc, match: {path: /**}, upstream: svc}
                """.formatted(dead, b.port()));

        int failures = 0;
        int served = 0;
        for (int i = 0; i < 40 && failures < 3; i++) {
            HttpResponse<String> response = HTTP.get(node.proxyPort(), "/warm/" + i);
            if (response.statusCode() == 200) {
                served++;
            } else {
                JsonErrors.assertErrorBody(502, response);
                failures++;
            }
        }
        assertThat(failures).as("502s before the dead target was ejected").isEqualTo(3);
        assertThat(served).as("round-robin alternates until then").isBetween(2, 3);
        assertThat(healthOf(node, "svc", dead)).isFalse();

        assertThat(servicesOf(node, 20)).as("after 3 consecutive failures: only the live target")
                .containsOnly(Map.entry("b", 20));
    }

    /** {@code ForwardInterceptor} counts a 502/503/504 answer as a failure, not only a broken connection. */
    @Test
    void passiveChecksEjectATargetThatKeepsAnswering503() throws Exception {
        RecordingUpstream failing = track(RecordingUpstream.start());
        failing.respondRawAndClose("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        DemoUpstream b = track(DemoUpstream.start("127.0.0.1", 0, "b"));
        GatewayNode node = startNode("""
                upstreams:
                  svc:
                    targets: ["http://127.0.0.1:%d", "http://127.0.0.1:%d"]
                    health: {passive: {unhealthy-after: 2}}
                routes:
                  - {id: svc, match: {path: /**}, upstream: svc}
                """.formatted(failing.port(), b.port()));

        int passedOn503 = 0;
        for (int i = 0; i < 40 && failing.requests().size() < 2; i++) {
            HttpResponse<String> response = HTTP.get(node.proxyPort(), "/warm/" + i);
            if (response.statusCode() == 503) {
                passedOn503++;
            } else {
                assertThat(response.statusCode()).isEqualTo(200);
            }
        }
        assertThat(passedOn503).as("the upstream's 503s went to the client").isEqualTo(2);
        assertThat(healthOf(node, "svc", failing.port())).isFalse();

        assertThat(servicesOf(node, 20)).containsOnly(Map.entry("b", 20));
        assertThat(failing.requests()).as("the ejected target gets nothing more").hasSize(2);
    }

    @Test
    void noHealthyTargetIs503Json() throws Exception {
        int dead = TestConfigs.closedPort();
        GatewayNode node = startNode("""
                upstreams:
                  svc:
                    targets: ["http://127.0.0.1:%d"]
                    health: {active: {path: /health, interval: 200ms, timeout: 200ms, unhealthy-after: 1}}
                routes:
                  - {id: svc, match: {path: /**}, upstream: svc}
                """.formatted(dead));
        await().atMost(DETECTION).until(() -> Boolean.FALSE.equals(healthOf(node, "svc", dead)));

        HttpResponse<String> response = HTTP.get(node.proxyPort(), "/anything");

        JsonNode body = JsonErrors.assertErrorBody(503, response);
        assertThat(body.get("error").asText()).contains("no healthy target");
        assertThat(body.get("request_id").asText()).isNotBlank();
    }

    @Test
    void adminUpstreamsShowsHealthPerTarget() throws Exception {
        int dead = TestConfigs.closedPort();
        DemoUpstream live = track(DemoUpstream.start("127.0.0.1", 0, "live"));
        GatewayNode node = startNode("""
                upstreams:
                  svc:
                    targets: [{url: "http://127.0.0.1:%d", weight: 3}, "http://127.0.0.1:%d"]
                    health: {active: {path: /health, interval: 200ms, timeout: 200ms, unhealthy-after: 1}}
                routes:
                  - {id: svc, match: {path: /**}, upstream: svc}
                """.formatted(live.port(), dead));

        await().atMost(DETECTION).until(() -> Boolean.FALSE.equals(healthOf(node, "svc", dead)));
        HttpResponse<String> response = HTTP.get(node.adminPort(), "/admin/upstreams", "Authorization", "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        JsonNode svc = JsonErrors.parse(response.body()).get("upstreams").get("svc");
        assertThat(svc.get("balancing").asText()).isNotBlank();
        JsonNode targets = svc.get("targets");
        assertThat(targets).hasSize(2);
        assertThat(targets.get(0).get("target").asText()).isEqualTo("127.0.0.1:" + live.port());
        assertThat(targets.get(0).get("weight").asInt()).isEqualTo(3);
        assertThat(targets.get(0).get("healthy").asBoolean()).isTrue();
        assertThat(targets.get(1).get("target").asText()).isEqualTo("127.0.0.1:" + dead);
        assertThat(targets.get(1).get("healthy").isBoolean()).isTrue();
        assertThat(targets.get(1).get("healthy").asBoolean()).isFalse();
    }

    @Test
    void adminUpstreamsNeedsTheAdminToken() throws Exception {
        DemoUpstream live = track(DemoUpstream.start("127.0.0.1", 0, "live"));
        GatewayNode node = startNode("""
                upstreams:
                  svc: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: svc, match: {path: /**}, upstream: svc}
                """.formatted(live.port()));

        HttpResponse<String> none = HTTP.get(node.adminPort(), "/admin/upstreams");
        HttpResponse<String> wrong = HTTP.get(node.adminPort(), "/admin/upstreams", "Authorization", "Bearer nope");
        HttpResponse<String> basic = HTTP.get(node.adminPort(), "/admin/upstreams", "Authorization", TOKEN);

        for (HttpResponse<String> refused : List.of(none, wrong, basic)) {
            JsonErrors.assertErrorBody(401, refused);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Bearer"));
            assertThat(refused.body()).doesNotContain("127.0.0.1");
        }
        assertThat(HTTP.get(node.adminPort(), "/admin/upstreams", "Authorization", "Bearer " + TOKEN).statusCode())
                .isEqualTo(200);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private <T extends AutoCloseable> T track(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    private GatewayNode startNode(String shared) throws Exception {
        return track(GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-health
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0, token: %s}
                  limits: {drain-timeout: 1s}
                """.formatted(TOKEN) + TestConfigs.OBSERVABILITY + shared)));
    }

    /** How many of {@code n} sequential requests each service answered; fails on any non-200. */
    private static Map<String, Integer> servicesOf(GatewayNode node, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = HTTP.get(node.proxyPort(), "/req/" + i);
            assertThat(response.statusCode()).as("request %d: %s", i, response.body()).isEqualTo(200);
            counts.merge(JsonErrors.parse(response.body()).get("service").asText(), 1, Integer::sum);
        }
        return counts;
    }

    /** The {@code healthy} flag {@code /admin/upstreams} shows for the target on {@code port}, or null. */
    private static Boolean healthOf(GatewayNode node, String upstream, int port) {
        HttpResponse<String> response = HTTP.get(node.adminPort(), "/admin/upstreams", "Authorization", "Bearer " + TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        for (JsonNode target : JsonErrors.parse(response.body()).get("upstreams").get(upstream).get("targets")) {
            if (target.get("target").asText().equals("127.0.0.1:" + port)) {
                return target.get("healthy").asBoolean();
            }
        }
        return null;
    }

    private static OptionalDouble healthGauge(GatewayNode node, String upstream, int port) {
        PrometheusScrape scrape = PrometheusScrape.parse(HTTP.get(node.adminPort(), "/metrics").body());
        return scrape.value("gateway_upstream_target_healthy", "upstream", upstream, "target", "127.0.0.1:" + port);
    }
}
