package dev.gateway.node.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.Blackhole;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries, their budget, hedging and a node-scoped breaker through a real node and loopback upstreams. */
class ResilienceIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private ScriptedUpstream a;
    private ScriptedUpstream b;
    private GatewayNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private void start(String upstreamExtras, int... ports) throws Exception {
        StringBuilder targets = new StringBuilder();
        for (int port : ports) {
            targets.append(targets.length() == 0 ? "" : ", ").append("\"http://127.0.0.1:").append(port).append('"');
        }
        node = GatewayNode.start(TestConfigs.withDefaults("""
                upstreams:
                  up:
                    targets: [%s]
                    %s
                routes:
                  - {id: r, match: {path: /**}, upstream: up, timeout: 5s}
                """.formatted(targets, upstreamExtras)));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxyPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxyPort() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{\"x\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFailedGetIsRetriedOnTheOtherTarget() throws Exception {
        a = ScriptedUpstream.start("a").answer(503);
        b = ScriptedUpstream.start("b").answer(200);
        start("retries: {attempts: 1, on: [503], budget: 100%, backoff: {initial: 1ms, max: 2ms}}", a.port(), b.port());
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = get("/x");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Upstream")).contains("b");
        }
        assertThat(a.calls()).isPositive();
    }

    @Test
    void underAnAllFailingUpstreamTheBudgetBoundsTheLoadAndPostIsNeverRetried() throws Exception {
        a = ScriptedUpstream.start("a").answer(503);
        start("retries: {attempts: 3, on: [503], budget: 20%, backoff: {initial: 1ms, max: 2ms}}", a.port());
        int requests = 300;
        for (int i = 0; i < requests; i++) {
            assertThat(get("/x").statusCode()).isEqualTo(503);
        }
        assertThat(a.calls()).isGreaterThan(requests).isLessThanOrEqualTo((int) (requests * 1.2));
        int before = a.calls();
        for (int i = 0; i < 20; i++) {
            assertThat(post("/x").statusCode()).isEqualTo(503);
        }
        assertThat(a.calls() - before).isEqualTo(20);
        assertThat(a.posts()).isEqualTo(20);
    }

    @Test
    void aSlowTargetIsHedgedAndTheFastAnswerWins() throws Exception {
        a = ScriptedUpstream.start("a").delay(1500);
        b = ScriptedUpstream.start("b");
        start("hedging: {after: 50ms, max-extra: 1}\n    retries: {attempts: 0, budget: 100%}", a.port(), b.port());
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = get("/x");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Upstream")).contains("b");
        }
        assertThat(a.calls()).isPositive();
    }

    @Test
    void aNodeBreakerOpensAnswers503WithRetryAfterAndStopsTheCalls() throws Exception {
        a = ScriptedUpstream.start("a").answer(502);
        start("circuit-breaker: {scope: node, failure-rate: 50%, minimum-calls: 5, window: 10s, open-for: 30s}",
                a.port());
        for (int i = 0; i < 5; i++) {
            assertThat(get("/x").statusCode()).isEqualTo(502);
        }
        int calls = a.calls();
        HttpResponse<String> refused = get("/x");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                assertThat(Integer.parseInt(v)).isBetween(1, 30));
        assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("circuit breaker open");
        assertThat(a.calls()).isEqualTo(calls);

        HttpResponse<String> admin = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + node.adminPort() + "/admin/breakers")).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode view = JSON.readTree(admin.body());
        assertThat(view.at("/breakers/up/state").asText()).isEqualTo("open");
        assertThat(view.at("/breakers/up/scope").asText()).isEqualTo("node");
        assertThat(view.at("/breakers/up/this_node/failures").asLong()).isEqualTo(5);

        HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + node.adminPort() + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("gateway_breaker_transitions_total{to=\"open\",upstream=\"up\"} 1.0")
                .contains("gateway_breaker_short_circuited_total{upstream=\"up\"} 1.0");
    }

    /**
     * An upstream that vanished (connects never complete): each attempt of a retried request fails at the connect
     * timeout and counts then; the retry makes its own attempt at once (the first one's pending connect no longer
     * holds the pool's one slot), so the breaker has its two failures when the request ends, and opens.
     */
    @Test
    void eachConnectTimeoutOfARetriedRequestCountsAtOnceAndOpensTheBreaker() throws Exception {
        try (Blackhole hole = Blackhole.open()) {
            start("""
                    pool: {max-connections: 1}
                        timeouts: {connect: 200ms, response: 5s}
                        retries: {attempts: 1, on: [connect-failure], budget: 100%, backoff: {initial: 1ms, max: 2ms}}
                        circuit-breaker: {scope: node, failure-rate: 50%, minimum-calls: 2, window: 10s, open-for: 30s}""",
                    hole.port());
            long start = System.nanoTime();
            HttpResponse<String> failed = get("/x");
            long millis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("two connect timeouts of 200ms answered in " + millis + " ms");

            assertThat(failed.statusCode()).isEqualTo(504);
            assertThat(JSON.readTree(failed.body()).get("error").asText())
                    .as("the retry's own connect timed out; it did not wait for the first one's slot")
                    .isEqualTo("connect timeout 200ms");
            HttpResponse<String> admin = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + node.adminPort() + "/admin/breakers")).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode view = JSON.readTree(admin.body());
            assertThat(view.at("/breakers/up/this_node/failures").asLong()).as("one failure per attempt").isEqualTo(2);
            assertThat(view.at("/breakers/up/state").asText()).isEqualTo("open");
            assertThat(get("/x").statusCode()).isEqualTo(503);
        }
    }
}
