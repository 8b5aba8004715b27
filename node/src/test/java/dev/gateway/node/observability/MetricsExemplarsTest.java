package dev.gateway.node.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.OpenMetricsText;
import dev.gateway.node.support.OpenMetricsText.Sample;
import dev.gateway.node.support.PrometheusScrape;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exemplars on a real node: {@code GET /metrics} with Prometheus's {@code Accept} answers OpenMetrics text 1.0, whose
 * latency buckets name the trace of a sampled request (here sampled by its caller's {@code traceparent}, with
 * {@code sample: 0} and {@code parent-based: true}); an unsampled request leaves none; without that Accept the answer
 * stays Prometheus text 0.0.4. Spans go to a closed port: exemplars do not depend on the collector.
 */
class MetricsExemplarsTest {
    private static final SimpleHttp HTTP = new SimpleHttp();
    private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private static final String SAMPLED_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String UNSAMPLED_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    private DemoUpstream users;
    private GatewayNode node;

    @BeforeEach
    void start() throws Exception {
        users = DemoUpstream.start("127.0.0.1", 0, "users");
        node = GatewayNode.start(TestConfigs.parse("""
                node: {name: gw-exemplars, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}}
                observability:
                  access-log: {format: "off"}
                  tracing:
                    propagate: w3c
                    export: {otlp: "http://127.0.0.1:%d", sample: 0, parent-based: true}
                upstreams:
                  users: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: users-route, match: {path: /users/**}, upstream: users}
                """.formatted(TestConfigs.closedPort(), users.port())));
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
    void aSampledRequestsTraceIsTheExemplarOfItsLatencyBucketAndAnUnsampledOneIsNot() {
        assertThat(HTTP.get(node.proxyPort(), "/users/unsampled",
                "traceparent", "00-" + UNSAMPLED_TRACE + "-" + CALLER_SPAN + "-00").statusCode()).isEqualTo(200);
        assertThat(HTTP.get(node.proxyPort(), "/users/fresh").statusCode()).as("sample: 0, no caller").isEqualTo(200);
        assertThat(HTTP.get(node.proxyPort(), "/users/sampled",
                "traceparent", "00-" + SAMPLED_TRACE + "-" + CALLER_SPAN + "-01").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            OpenMetricsText scrape = openMetricsScrape();
            assertThat(scrape.sample("gateway_request_latency_seconds_count", "route", "users-route"))
                    .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(3.0));
            List<Sample> exemplars = scrape.withExemplars("gateway_request_latency_seconds_bucket");
            assertThat(exemplars).as("one sampled request, one exemplar").hasSize(1);
            Sample bucket = exemplars.get(0);
            assertThat(bucket.labels()).containsEntry("route", "users-route");
            assertThat(bucket.exemplar().labels()).containsEntry("trace_id", SAMPLED_TRACE);
            assertThat(bucket.exemplar().labels().get("span_id")).as("the gateway's server span, not the caller's")
                    .matches("[0-9a-f]{16}").isNotEqualTo(CALLER_SPAN);
            assertThat(bucket.exemplar().timestampSeconds()).isPositive();
        });
    }

    @Test
    void openMetricsOnlyWhenTheScrapeAsksForIt() {
        assertThat(HTTP.get(node.proxyPort(), "/users/sampled",
                "traceparent", "00-" + SAMPLED_TRACE + "-" + CALLER_SPAN + "-01").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(openMetricsScrape().withExemplars("gateway_request_latency_seconds_bucket")).hasSize(1));
        HttpResponse<String> plain = HTTP.get(node.adminPort(), "/metrics");
        HttpResponse<String> text004 = HTTP.get(node.adminPort(), "/metrics", "Accept", "text/plain;version=0.0.4");

        for (HttpResponse<String> r : List.of(plain, text004)) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("text/plain").contains("version=0.0.4"));
            assertThat(r.headers().firstValue("Vary")).hasValue("Accept");
            assertThat(r.body()).doesNotContain("# EOF").doesNotContain(SAMPLED_TRACE);
            assertThat(PrometheusScrape.parse(r.body()).value("gateway_request_latency_seconds_bucket",
                    "route", "users-route", "le", "+Inf")).hasValue(1);
        }
    }

    private OpenMetricsText openMetricsScrape() {
        HttpResponse<String> r = HTTP.get(node.adminPort(), "/metrics", "Accept", PROMETHEUS_ACCEPT);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
        return OpenMetricsText.parse(r.body());
    }
}
