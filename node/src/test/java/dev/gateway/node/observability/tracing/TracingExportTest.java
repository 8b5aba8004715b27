package dev.gateway.node.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gateway.config.SharedConfig;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.auth.ApiKeys;
import dev.gateway.node.support.OtlpReceiver;
import dev.gateway.node.support.OtlpReceiver.ReceivedSpan;
import dev.gateway.node.support.PrometheusScrape;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code observability.tracing.export}: a real node exporting over OTLP/HTTP to a receiver on loopback that decodes
 * what it gets with the OpenTelemetry proto classes. The upstream answers the first call of each {@code /flaky/...}
 * path with 503, so the request is retried once.
 */
class TracingExportTest {
    private static final SimpleHttp HTTP = new SimpleHttp();
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";

    private OtlpReceiver receiver;
    private FlakyUpstream upstream;
    private GatewayNode node;

    @BeforeEach
    void start() throws IOException {
        receiver = OtlpReceiver.start();
        upstream = FlakyUpstream.start();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        upstream.close();
        receiver.close();
    }

    @Test
    void oneRequestIsOneTraceCoveringAuthLimitBreakerAndEachUpstreamAttempt() throws Exception {
        node = GatewayNode.start(TestConfigs.parse(config(receiver.endpoint(), "sample: 1", "{interval: 50ms}")));
        for (int i = 0; i < 50; i++) { // warm: the waterfall below shows a request, not class loading
            assertThat(HTTP.get(node.proxyPort(), "/steady/warm", "X-API-Key", "k-alice").statusCode()).isEqualTo(200);
        }

        HttpResponse<String> response = HTTP.get(node.proxyPort(), "/flaky/1", "X-API-Key", "k-alice",
                "traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01");
        assertThat(response.statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.trace(TRACE_ID).stream()
                .anyMatch(s -> s.kind().equals("SERVER")));
        List<ReceivedSpan> trace = receiver.trace(TRACE_ID);

        ReceivedSpan server = only(trace, "SERVER");
        assertThat(server.name()).isEqualTo("GET orders");
        assertThat(server.parentSpanId()).as("continues the client's span").isEqualTo(CLIENT_SPAN);
        assertThat(server.attributes()).containsEntry("http.request.method", "GET").containsEntry("http.route", "orders")
                .containsEntry("http.response.status_code", "200").containsEntry("client.address", "127.0.0.1");
        assertThat(server.resource()).containsEntry("service.name", "gateway")
                .containsEntry("service.instance.id", "gw-otel").containsEntry("deployment.environment", "test");

        ReceivedSpan auth = named(trace, "authentication").get(0);
        assertThat(auth.parentSpanId()).isEqualTo(server.spanId());
        assertThat(auth.attributes()).containsEntry("gateway.auth.provider", "api-key")
                .containsEntry("gateway.auth.outcome", "ok");

        ReceivedSpan limit = named(trace, "rate limit per-consumer").get(0);
        assertThat(limit.parentSpanId()).isEqualTo(server.spanId());
        assertThat(limit.attributes()).containsEntry("gateway.rate_limit.policy", "per-consumer")
                .containsEntry("gateway.rate_limit.key_kind", "consumer")
                .containsEntry("gateway.rate_limit.outcome", "allowed")
                .doesNotContainKey("gateway.rate_limit.fallback");

        assertThat(named(trace, "circuit breaker")).as("one decision per attempt").hasSize(2)
                .allSatisfy(b -> assertThat(b.attributes()).containsEntry("gateway.breaker.decision", "allowed"));

        List<ReceivedSpan> attempts = trace.stream().filter(s -> s.kind().equals("CLIENT"))
                .sorted(Comparator.comparing(s -> s.attr("gateway.attempt"))).toList();
        assertThat(attempts).hasSize(2).allSatisfy(a -> {
            assertThat(a.parentSpanId()).isEqualTo(server.spanId());
            assertThat(a.name()).isEqualTo("GET up");
            assertThat(a.attributes()).containsEntry("gateway.upstream", "up")
                    .containsEntry("gateway.upstream.target", "127.0.0.1:" + upstream.port())
                    .containsEntry("server.address", "127.0.0.1");
        });
        assertThat(attempts.get(0).attributes()).containsEntry("gateway.attempt", "1")
                .containsEntry("gateway.attempt.kind", "first").containsEntry("http.response.status_code", "503");
        assertThat(attempts.get(0).statusCode()).isEqualTo("ERROR");
        assertThat(attempts.get(1).attributes()).containsEntry("gateway.attempt", "2")
                .containsEntry("gateway.attempt.kind", "retry").containsEntry("http.response.status_code", "200");

        // what the upstream received: each attempt's own client span as the parent
        assertThat(upstream.traceparents("/flaky/1")).containsExactly(
                "00-" + TRACE_ID + "-" + attempts.get(0).spanId() + "-01",
                "00-" + TRACE_ID + "-" + attempts.get(1).spanId() + "-01");

        String waterfall = OtlpReceiver.waterfall(trace);
        System.out.println("trace " + TRACE_ID + " as the receiver saw it:\n" + waterfall);
        Files.writeString(Path.of("target", "otel-waterfall.txt"), waterfall, StandardCharsets.UTF_8);
    }

    @Test
    void theUpstreamSpanMarksANewConnectionsConnectAndTheFirstByte() throws Exception {
        node = GatewayNode.start(TestConfigs.parse(config(receiver.endpoint(), "sample: 1", "{interval: 50ms}")));

        ReceivedSpan fresh = attemptOf(HTTP.get(node.proxyPort(), "/steady/fresh", "X-API-Key", "k-alice"));
        assertThat(fresh.attributes()).containsEntry("gateway.upstream.connection", "new");
        assertThat(fresh.events().keySet()).as("in the order they happened")
                .containsExactly("connect start", "connect end", "first byte");
        List<Long> times = List.copyOf(fresh.events().values());
        assertThat(times).isSorted().allSatisfy(t -> assertThat(t).isBetween(fresh.startNanos(), fresh.endNanos()));

        ReceivedSpan reused = attemptOf(HTTP.get(node.proxyPort(), "/steady/reused", "X-API-Key", "k-alice"));
        assertThat(reused.attributes()).containsEntry("gateway.upstream.connection", "reused");
        assertThat(reused.events().keySet()).as("no connect on a pooled connection").containsExactly("first byte");
    }

    @Test
    void aCacheHitIsMarkedCoalescedAndHasNoUpstreamSpan() throws Exception {
        node = GatewayNode.start(TestConfigs.parse(config(receiver.endpoint(), "sample: 1", "{interval: 50ms}")));

        String first = traceOf(HTTP.get(node.proxyPort(), "/cached/a"));
        HttpResponse<String> second = HTTP.get(node.proxyPort(), "/cached/a");
        assertThat(second.headers().firstValue("X-Cache")).hasValue("HIT");
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.spans().stream()
                .filter(s -> s.name().equals("cache lookup")).count() == 2);

        List<ReceivedSpan> lookups = named(receiver.spans(), "cache lookup");
        ReceivedSpan miss = lookups.stream().filter(s -> s.traceId().equals(first)).findFirst().orElseThrow();
        ReceivedSpan hit = lookups.stream().filter(s -> !s.traceId().equals(first)).findFirst().orElseThrow();
        assertThat(miss.attributes()).containsEntry("gateway.cache.result", "miss")
                .containsEntry("gateway.coalesced", "false");
        assertThat(hit.attributes()).as("served from the first request's upstream call")
                .containsEntry("gateway.cache.result", "hit").containsEntry("gateway.coalesced", "true");
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.trace(hit.traceId()).stream()
                .anyMatch(s -> s.kind().equals("SERVER")));
        assertThat(receiver.trace(hit.traceId())).noneMatch(s -> s.kind().equals("CLIENT"));
    }

    /** The one upstream attempt of the request {@code response} answers, once exported. */
    private ReceivedSpan attemptOf(HttpResponse<String> response) {
        String traceId = traceOf(response);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.trace(traceId).stream()
                .anyMatch(s -> s.kind().equals("CLIENT")));
        return only(receiver.trace(traceId), "CLIENT");
    }

    @Test
    void sampleZeroExportsNothingWhilePropagationGoesOn() throws Exception {
        node = GatewayNode.start(TestConfigs.parse(config(receiver.endpoint(), "sample: 0", "{interval: 50ms}")));

        assertThat(HTTP.get(node.proxyPort(), "/flaky/new", "X-API-Key", "k-alice").statusCode()).isEqualTo(200);
        assertThat(HTTP.get(node.proxyPort(), "/flaky/continued", "X-API-Key", "k-alice",
                "traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-00").statusCode()).isEqualTo(200);

        List<String> fresh = upstream.traceparents("/flaky/new");
        assertThat(fresh).hasSize(2).allMatch(tp -> tp.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"))
                .as("not sampled (02, the W3C level-2 random-trace-id flag, may be set)")
                .allMatch(tp -> (Integer.parseInt(tp.substring(53), 16) & 1) == 0);
        assertThat(fresh.get(0).substring(3, 35)).as("one trace over both attempts")
                .isEqualTo(fresh.get(1).substring(3, 35));
        assertThat(fresh.get(0).substring(36, 52)).as("each attempt its own span id")
                .isNotEqualTo(fresh.get(1).substring(36, 52));
        List<String> continued = upstream.traceparents("/flaky/continued");
        assertThat(continued).hasSize(2).allSatisfy(tp -> assertThat(tp)
                .startsWith("00-" + TRACE_ID + "-").endsWith("-00").doesNotContain(CLIENT_SPAN));

        node.close(); // flushes whatever was queued
        node = null;
        assertThat(receiver.spans()).as("nothing sampled, nothing exported").isEmpty();
    }

    @Test
    void anUnreachableCollectorLosesSpansNeverRequests() throws Exception {
        String nowhere = "http://127.0.0.1:" + TestConfigs.closedPort();
        node = GatewayNode.start(TestConfigs.parse(config(nowhere, "sample: 1",
                "{max-queue: 4, max-export: 2, interval: 10ms}")));

        int requests = 200;
        for (int i = 0; i < requests; i++) {
            assertThat(HTTP.get(node.proxyPort(), "/steady/" + i, "X-API-Key", "k-alice").statusCode())
                    .as("request %d", i).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> dropped() > 0);
        System.out.println("spans dropped with the collector down: " + dropped() + " of about " + requests * 6);
    }

    @Test
    void aConfigOnlyCheckedLeavesExportAloneAndAnAppliedOneMovesIt() throws Exception {
        node = GatewayNode.start(TestConfigs.parse(config(receiver.endpoint(), "sample: 1", "{interval: 50ms}")));
        try (OtlpReceiver other = OtlpReceiver.start()) {
            SharedConfig moved = TestConfigs.parse(config(other.endpoint(), "sample: 1", "{interval: 50ms}")).shared();
            assertThat(node.configSync().check(moved)).isEmpty();

            String checked = traceOf(HTTP.get(node.proxyPort(), "/steady/checked", "X-API-Key", "k-alice"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.trace(checked).isEmpty());

            node.configSync().publish(moved, "test");
            await().atMost(Duration.ofSeconds(10)).until(() -> node.runtimes().current().config().equals(moved));
            String applied = traceOf(HTTP.get(node.proxyPort(), "/steady/applied", "X-API-Key", "k-alice"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !other.trace(applied).isEmpty());
            assertThat(receiver.trace(applied)).isEmpty();
            assertThat(other.trace(checked)).isEmpty();
        }
    }

    /** The trace id the upstream saw for the request {@code response} answers (its path's last traceparent). */
    private String traceOf(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> seen = upstream.traceparents(response.uri().getPath());
        return seen.get(seen.size() - 1).substring(3, 35);
    }

    private double dropped() throws Exception {
        HttpResponse<String> metrics = HTTP.get(node.adminPort(), "/metrics");
        return PrometheusScrape.parse(metrics.body()).value("gateway_trace_spans_dropped_total").orElse(-1);
    }

    private String config(String otlp, String sample, String batch) {
        return """
                node: {name: gw-otel, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}}
                observability:
                  access-log: {format: "off"}
                  tracing:
                    export: {otlp: "%s", %s, resource: {deployment.environment: test}, batch: %s}
                consumers:
                  alice: {api-keys: ["%s"]}
                auth:
                  api-key: {header: X-API-Key}
                rate-limits:
                  per-consumer: {limit: 100000, per: 1m, key: consumer}
                upstreams:
                  up:
                    targets: ["http://127.0.0.1:%d"]
                    retries: {attempts: 1, on: [503], budget: 100%%, backoff: {initial: 1ms, max: 2ms}}
                    circuit-breaker: {scope: node, failure-rate: 90%%, minimum-calls: 1000, window: 10s, open-for: 1s}
                routes:
                  - {id: cached, match: {path: /cached/**}, upstream: up, cache: {ttl: 30s}}
                  - {id: orders, match: {path: /**}, upstream: up, auth: [api-key], rate-limits: [per-consumer]}
                """.formatted(otlp, sample, batch, ApiKeys.hash("k-alice"), upstream.port());
    }

    private static ReceivedSpan only(List<ReceivedSpan> trace, String kind) {
        List<ReceivedSpan> found = trace.stream().filter(s -> s.kind().equals(kind)).toList();
        assertThat(found).as("%s spans in %s", kind, trace).hasSize(1);
        return found.get(0);
    }

    private static List<ReceivedSpan> named(List<ReceivedSpan> trace, String name) {
        List<ReceivedSpan> found = trace.stream().filter(s -> s.name().equals(name)).toList();
        assertThat(found).as("spans named '%s' in %s", name, trace).isNotEmpty();
        return found;
    }

    /** Answers the first request of each {@code /flaky/} path with 503, the others with 200; records each request's traceparent. */
    static final class FlakyUpstream implements AutoCloseable {
        private final HttpServer server;
        private final ConcurrentHashMap<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, List<String>> traceparents = new ConcurrentHashMap<>();

        private FlakyUpstream(HttpServer server) {
            this.server = server;
        }

        static FlakyUpstream start() throws IOException {
            // without it the JDK server's body waits for the gateway's delayed ACK (40 ms) after the head
            System.setProperty("sun.net.httpserver.nodelay", "true");
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            FlakyUpstream upstream = new FlakyUpstream(server);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                upstream.traceparents.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
                        .add(String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
                int n = upstream.calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                boolean fail = n == 1 && path.startsWith("/flaky/");
                byte[] body = (fail ? "try again" : "ok").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "flaky-upstream");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return upstream;
        }

        int port() {
            return server.getAddress().getPort();
        }

        List<String> traceparents(String path) {
            return traceparents.getOrDefault(path, List.of());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
