package dev.gateway.node.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.PrometheusScrape;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} on the admin port of a real node, after real traffic. One node per test: counts start at zero. */
class MetricsEndpointTest {
    private static final SimpleHttp HTTP = new SimpleHttp();
    private static final Duration RECORDED = Duration.ofSeconds(5);

    private DemoUpstream users;
    private GatewayNode node;
    private String target;

    @BeforeEach
    void start() throws Exception {
        users = DemoUpstream.start("127.0.0.1", 0, "users");
        target = "127.0.0.1:" + users.port();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-metrics
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0, token: not-needed-for-metrics}
                  limits: {max-header-bytes: 2048, drain-timeout: 1s}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  users: {targets: ["http://%s"]}
                routes:
                  - {id: users-route, match: {path: /users/**}, upstream: users}
                """.formatted(target)));
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (users != null) {
            users.close();
        }
    }

    @Test
    void metricsAreOpenPrometheusText() {
        HttpResponse<String> response = HTTP.get(node.adminPort(), "/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("text/plain").contains("version=0.0.4"));
        assertThat(PrometheusScrape.parse(response.body()).samples()).isNotEmpty();
    }

    @Test
    void requestCounterCountsEachRequestByRouteMethodAndStatusClass() {
        for (int i = 0; i < 5; i++) {
            assertThat(HTTP.get(node.proxyPort(), "/users/" + i).statusCode()).isEqualTo(200);
        }
        assertThat(HTTP.get(node.proxyPort(), "/users/x?status=404").statusCode()).isEqualTo(404);
        JsonErrors.assertErrorBody(404, HTTP.get(node.proxyPort(), "/no-route"));

        await().atMost(RECORDED).untilAsserted(() -> {
            PrometheusScrape scrape = scrape();
            assertThat(scrape.value("gateway_requests_total",
                    "method", "GET", "route", "users-route", "status_class", "2xx")).hasValue(5);
            assertThat(scrape.value("gateway_requests_total",
                    "method", "GET", "route", "users-route", "status_class", "4xx")).hasValue(1);
            assertThat(scrape.value("gateway_requests_total",
                    "method", "GET", "route", "", "status_class", "4xx")).as("no route: route=\"\"").hasValue(1);
        });
    }

    @Test
    void requestAndUpstreamDurationsCountEachRequest() {
        for (int i = 0; i < 4; i++) {
            assertThat(HTTP.get(node.proxyPort(), "/users/" + i + "?delay=20ms").statusCode()).isEqualTo(200);
        }

        await().atMost(RECORDED).untilAsserted(() -> {
            PrometheusScrape scrape = scrape();
            assertThat(scrape.value("gateway_request_duration_seconds_count", "route", "users-route")).hasValue(4);
            assertThat(scrape.value("gateway_upstream_duration_seconds_count", "upstream", "users")).hasValue(4);
            OptionalDouble requestSum = scrape.value("gateway_request_duration_seconds_sum", "route", "users-route");
            OptionalDouble upstreamSum = scrape.value("gateway_upstream_duration_seconds_sum", "upstream", "users");
            assertThat(requestSum).isPresent();
            assertThat(upstreamSum).isPresent();
            assertThat(upstreamSum.getAsDouble()).as("4 x 20ms delay, in seconds").isBetween(0.08, 10.0);
            assertThat(requestSum.getAsDouble()).as("the gateway's time includes the upstream's")
                    .isGreaterThanOrEqualTo(upstreamSum.getAsDouble());
        });
    }

    @Test
    void poolAndHealthGaugesDescribeEachTarget() {
        assertThat(HTTP.get(node.proxyPort(), "/users/pooled").statusCode()).isEqualTo(200);

        await().atMost(RECORDED).untilAsserted(() -> {
            PrometheusScrape scrape = scrape();
            assertThat(scrape.value("gateway_upstream_connections", "upstream", "users", "target", target, "state", "open"))
                    .as("the keep-alive connection to the demo upstream stays pooled").hasValue(1);
            assertThat(scrape.value("gateway_upstream_connections", "upstream", "users", "target", target, "state", "idle"))
                    .hasValue(1);
            assertThat(scrape.value("gateway_upstream_target_healthy", "upstream", "users", "target", target)).hasValue(1);
        });
    }

    @Test
    void listenerRejectionIsCountedByReasonAfterA431() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(),
                "GET /users/x HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(3000) + "\r\n\r\n");
        JsonErrors.assertErrorBody(431, response);

        await().atMost(RECORDED).untilAsserted(() -> assertThat(
                scrape().value("gateway_listener_rejected_total", "reason", "headers-too-large")).hasValue(1));
        assertThat(scrape().find("gateway_requests_total")).as("a refused head is not a request").isEmpty();
    }

    @Test
    void jvmSeriesAreExported() {
        PrometheusScrape scrape = scrape();

        assertThat(scrape.value("jvm_memory_used_bytes", "area", "heap").orElse(-1)).isPositive();
        assertThat(scrape.value("jvm_memory_max_bytes", "area", "nonheap")).isPresent();
        assertThat(scrape.find("jvm_memory_pool_used_bytes")).isNotEmpty();
        assertThat(scrape.find("jvm_gc_collections_total")).isNotEmpty();
        assertThat(scrape.value("jvm_threads_current").orElse(-1)).isGreaterThan(1);
        assertThat(scrape.value("jvm_threads_state", "state", "RUNNABLE").orElse(-1)).isPositive();
    }

    private PrometheusScrape scrape() {
        HttpResponse<String> response = HTTP.get(node.adminPort(), "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return PrometheusScrape.parse(response.body());
    }
}
