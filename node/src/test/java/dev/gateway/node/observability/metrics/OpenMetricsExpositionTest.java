package dev.gateway.node.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.codahale.metrics.MetricRegistry;
import dev.gateway.node.support.OpenMetricsText;
import dev.gateway.node.support.OpenMetricsText.Sample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} in OpenMetrics text 1.0 when the scrape asks for it: strictly valid line by line, {@code # EOF}
 * last, and the latency histogram's buckets carrying the trace of the latest sampled request in each (never an
 * unsampled one's); Prometheus text 0.0.4, without exemplars, otherwise.
 */
class OpenMetricsExpositionTest {
    private static final long MS = 1_000_000L;
    private static final long NOW_MILLIS = 1_765_000_000_123L;
    private static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    /** What Prometheus 2.x sends by default (scrape_protocols: OpenMetrics first). */
    private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private static final String TRACE_A = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_A = "00f067aa0ba902b7";
    private static final String TRACE_B = "0af7651916cd43dd8448eb211c80319c";
    private static final String SPAN_B = "b7ad6b7169203331";

    private final GatewayMetrics metrics = new GatewayMetrics(new MetricRegistry(), () -> NOW_MILLIS);

    @Test
    void everyLineIsOpenMetricsAndEofIsLast() {
        traffic();

        String text = write(PROMETHEUS_ACCEPT);
        OpenMetricsText scrape = OpenMetricsText.parse(text);

        assertThat(text).endsWith("\n# EOF\n");
        assertThat(scrape.types())
                .containsEntry("gateway_requests", "counter")
                .containsEntry("gateway_request_duration_seconds", "summary")
                .containsEntry("gateway_request_latency_seconds", "histogram")
                .containsEntry("gateway_rate_limit_check_duration_seconds", "histogram")
                .containsEntry("gateway_listener_rejected", "counter");
        assertThat(scrape.sample("gateway_requests_total", "route", "users", "method", "GET", "status_class", "2xx"))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(4.0));
        assertThat(scrape.types().keySet()).as("JVM families are OpenMetrics too").anyMatch(n -> n.startsWith("jvm_"));
    }

    @Test
    void aSampledRequestIsTheExemplarOfItsBucketAndAnUnsampledOneIsNot() {
        metrics.requestFinished("users", "GET", 200, 3 * MS, "users", MS, TRACE_A, SPAN_A);
        metrics.requestFinished("users", "GET", 200, 70 * MS, "users", MS, null, null);

        OpenMetricsText scrape = OpenMetricsText.parse(write(OPEN_METRICS));

        List<Sample> withExemplars = scrape.withExemplars("gateway_request_latency_seconds_bucket");
        assertThat(withExemplars).as("only the sampled request's bucket").hasSize(1);
        Sample bucket = withExemplars.get(0);
        assertThat(bucket.labels()).isEqualTo(Map.of("route", "users", "le", "0.005"));
        assertThat(bucket.exemplar().labels()).isEqualTo(Map.of("trace_id", TRACE_A, "span_id", SPAN_A));
        assertThat(bucket.exemplar().value()).isEqualTo(0.003);
        assertThat(bucket.exemplar().timestampSeconds()).isEqualTo(NOW_MILLIS / 1000.0);
        assertThat(scrape.sample("gateway_request_latency_seconds_bucket", "route", "users", "le", "0.1"))
                .as("the unsampled request is counted in its bucket, without exemplar")
                .hasValueSatisfying(s -> {
                    assertThat(s.value()).isEqualTo(2.0);
                    assertThat(s.exemplar()).isNull();
                });
        assertThat(scrape.sample("gateway_request_latency_seconds_count", "route", "users"))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(2.0));
    }

    @Test
    void theLatestSampledRequestOfABucketIsItsExemplar() {
        metrics.requestFinished("users", "GET", 200, 3 * MS, "users", MS, TRACE_A, SPAN_A);
        metrics.requestFinished("users", "GET", 200, 4 * MS, "users", MS, TRACE_B, SPAN_B);
        metrics.requestFinished("users", "GET", 200, 4 * MS, "users", MS, null, null);
        metrics.requestFinished("users", "GET", 200, 2 * MS, "users", MS, TRACE_A, SPAN_A);

        OpenMetricsText scrape = OpenMetricsText.parse(write(OPEN_METRICS));

        assertThat(scrape.sample("gateway_request_latency_seconds_bucket", "route", "users", "le", "0.005"))
                .hasValueSatisfying(s -> {
                    assertThat(s.exemplar().labels()).containsEntry("trace_id", TRACE_B);
                    assertThat(s.exemplar().value()).isEqualTo(0.004);
                });
        assertThat(scrape.sample("gateway_request_latency_seconds_bucket", "route", "users", "le", "0.0025"))
                .hasValueSatisfying(s -> assertThat(s.exemplar().labels()).containsEntry("trace_id", TRACE_A));
    }

    @Test
    void withoutOpenMetricsInAcceptTheScrapeIsText004WithoutExemplars() {
        metrics.requestFinished("users", "GET", 200, 3 * MS, "users", MS, TRACE_A, SPAN_A);

        for (String accept : new String[] {null, "text/plain;version=0.0.4", "*/*"}) {
            assertThat(metrics.contentType(accept)).as(accept).startsWith("text/plain").contains("version=0.0.4");
            String text = write(accept);
            assertThat(text).as(accept).doesNotContain("# EOF").doesNotContain(TRACE_A).doesNotContain(" # {");
            assertThat(text).contains("gateway_request_latency_seconds_bucket{route=\"users\",le=\"0.005\"} 1");
        }
        assertThat(metrics.contentType(PROMETHEUS_ACCEPT)).isEqualTo(OPEN_METRICS);
        assertThat(metrics.contentType("application/openmetrics-text")).isEqualTo(OPEN_METRICS);
    }

    @Test
    void theRequestLatencyHistogramHasFixedGatewayBucketsInBothFormats() {
        metrics.requestFinished("users", "GET", 200, 3 * MS, "users", MS);

        Exposition text004 = Exposition.scrape(metrics);

        assertThat(text004.types).containsEntry("gateway_request_latency_seconds", "histogram")
                .containsEntry("gateway_request_duration_seconds", "summary");
        assertThat(text004.series("gateway_request_latency_seconds_bucket")).hasSize(17);
        assertThat(text004.value("gateway_request_latency_seconds_bucket{route=\"users\",le=\"5.0E-4\"}")).isEqualTo(0.0);
        assertThat(text004.value("gateway_request_latency_seconds_bucket{route=\"users\",le=\"0.005\"}")).isEqualTo(1.0);
        assertThat(text004.value("gateway_request_latency_seconds_bucket{route=\"users\",le=\"60.0\"}")).isEqualTo(1.0);
        assertThat(text004.value("gateway_request_latency_seconds_sum{route=\"users\"}")).isEqualTo(0.003);
    }

    /**
     * The scrape parsed by a real OpenMetrics parser: the Python {@code prometheus_client}'s (strict: # EOF, names,
     * exemplars, bucket order). Needs {@code /usr/bin/python3} with {@code python3-prometheus-client} (Debian);
     * skipped without it, unless {@code -Dchaos.required=true} (CI installs it).
     */
    @Test
    void theScrapeParsesWithPrometheusClientsOpenMetricsParser() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        String script = """
                import sys
                from prometheus_client.openmetrics.parser import text_string_to_metric_families
                exemplars = 0
                for family in text_string_to_metric_families(sys.stdin.read()):
                    for s in family.samples:
                        if s.exemplar is not None:
                            exemplars += 1
                            print("exemplar", s.name, s.labels.get("le"), s.exemplar.labels["trace_id"])
                print("exemplars", exemplars)
                """;
        if (!Files.isExecutable(python) || run(python.toString(), "-c", "import prometheus_client", "").exit != 0) {
            String message = "/usr/bin/python3 with prometheus_client is missing (apt-get install python3-prometheus-client)";
            if (Boolean.getBoolean("chaos.required")) {
                fail(message + ", and -Dchaos.required=true");
            }
            Assumptions.abort(message);
        }
        traffic();

        Result parsed = run(python.toString(), "-c", script, write(OPEN_METRICS));

        assertThat(parsed.exit).as("parser: %s", parsed.out).isZero();
        assertThat(parsed.out).contains("exemplar gateway_request_latency_seconds_bucket 0.005 " + TRACE_A)
                .contains("exemplars 1");
    }

    /** Some of every kind of series, one sampled request among them. */
    private void traffic() {
        for (int i = 0; i < 3; i++) {
            metrics.requestFinished("users", "GET", 200, 2 * MS, "users", MS);
        }
        metrics.requestFinished("users", "GET", 200, 3 * MS, "users", MS, TRACE_A, SPAN_A);
        metrics.requestFinished("users", "POST", 503, 120 * MS, null, -1);
        metrics.requestFinished(null, "GET", 404, MS / 10, null, -1);
        metrics.requestFinished("route \"quoted\"\nnewline\\", "PATCH", 200, 70_000 * MS, "users", MS);
        metrics.listenerRejected("header-timeout");
        metrics.rateLimitPolicy("per-ip").decided(true, 40_000);
        metrics.rateLimitPolicy("per-ip").fallback().inc();
        metrics.registerCounter("gateway_auth_failures", "Authentications refused.", () -> 2, "provider", "jwt");
        metrics.registerGauge("gateway_cache_entries", "Entries in the response cache.", () -> 5);
        metrics.registerPool("users", "http://127.0.0.1:9001", () -> 2, () -> 1);
        metrics.registerHealth("users", "http://127.0.0.1:9001", () -> true);
        metrics.registerTraceSpansDropped(() -> 7);
        metrics.registerAccessLogDropped(() -> 0);
        metrics.upstreamBodyTimedOut("users", "response");
    }

    private String write(String accept) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            metrics.write(accept, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private record Result(int exit, String out) {
    }

    private static Result run(String program, String flag, String script, String input) throws Exception {
        Process p = new ProcessBuilder(program, flag, script).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(program + " did not finish in 20 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
