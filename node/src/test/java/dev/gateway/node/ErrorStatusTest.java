package dev.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every status the node answers itself, each with the JSON body of docs/configuration.md
 * ({@code {"error","status","request_id"}}, {@code application/json}); errors decided before
 * forwarding never reach the upstream.
 */
class ErrorStatusTest {
    private static final int MAX_HEADER_BYTES = 4096;
    private static final int MAX_BODY_BYTES = 65536;

    private static RecordingUpstream recorder;
    private static DemoUpstream demo;
    private static GatewayNode node;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        recorder = RecordingUpstream.start();
        demo = DemoUpstream.start("127.0.0.1", 0, "demo");
        int closed = TestConfigs.closedPort();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-test
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  limits: {max-header-bytes: %4$d, max-body-bytes: %5$d, header-timeout: 1s}
                observability: {access-log: {format: "off"}, tracing: {propagate: "off"}}
                upstreams:
                  rec: {targets: ["http://127.0.0.1:%1$d"]}
                  pooled: {targets: ["http://127.0.0.1:%1$d"], pool: {max-connections: 1}}
                  demo: {targets: ["http://127.0.0.1:%2$d"]}
                  impatient: {targets: ["http://127.0.0.1:%2$d"], timeouts: {response: 300ms}}
                  rec-impatient: {targets: ["http://127.0.0.1:%1$d"], timeouts: {response: 300ms}}
                  dead: {targets: ["http://127.0.0.1:%3$d"]}
                routes:
                  - {id: rec, match: {path: /rec/**}, upstream: rec}
                  - {id: get-only, match: {path: /get-only/**, methods: [GET]}, upstream: rec}
                  - {id: pooled, match: {path: /hold/**}, upstream: pooled}
                  - {id: demo, match: {path: /demo/**}, upstream: demo}
                  - {id: impatient, match: {path: /impatient/**}, upstream: impatient}
                  - {id: rec-impatient, match: {path: /rec-impatient/**}, upstream: rec-impatient}
                  - {id: hurried, match: {path: /hurried/**}, upstream: demo, timeout: 300ms}
                  - {id: dead, match: {path: /dead/**}, upstream: dead, request: {correlation-id: X-Request-Id}}
                """.formatted(recorder.port(), demo.port(), closed, MAX_HEADER_BYTES, MAX_BODY_BYTES)));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (demo != null) {
            demo.close();
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    @BeforeEach
    void resetRecorder() {
        recorder.reset();
    }

    // ---- 400 ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "request line ''{0}''")
    @ValueSource(strings = {"GET /rec/x HTTP/1.1 junk", "GET /rec/x FOO/1.1", "GARBAGE"})
    void malformedRequestLineIs400(String requestLine) throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send(requestLine + "\r\nHost: x\r\n\r\n").readResponse();

            JsonErrors.assertErrorBody(400, response);
            assertThat(http.closedByPeer()).as("connection closed after a malformed request").isTrue();
        }
        assertUpstreamSawNothing();
    }

    @ParameterizedTest(name = "header line ''{0}''")
    @ValueSource(strings = {"Bad Header Line", "Content-Length: abc"})
    void malformedHeaderLineIs400Json(String headerLine) throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(),
                "GET /rec/x HTTP/1.1\r\nHost: x\r\n" + headerLine + "\r\n\r\n");

        JsonErrors.assertErrorBody(400, response);
        assertUpstreamSawNothing();
    }

    /** What the node does today with a malformed header line: 400, the connection closed, nothing forwarded. */
    @ParameterizedTest(name = "header line ''{0}''")
    @ValueSource(strings = {"Bad Header Line", "Content-Length: abc"})
    void malformedHeaderLineIs400AndNeverReachesTheUpstream(String headerLine) throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send("GET /rec/x HTTP/1.1\r\nHost: x\r\n" + headerLine + "\r\n\r\n")
                    .readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(http.closedByPeer()).isTrue();
        }
        assertUpstreamSawNothing();
    }

    @ParameterizedTest(name = "request target ''{0}''")
    @ValueSource(strings = {"*", "rec/x"})
    void requestTargetThatIsNotAnAbsolutePathIs400(String target) throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(),
                "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        JsonNode body = JsonErrors.assertErrorBody(400, response);
        assertThat(body.get("error").asText()).contains("absolute path");
        assertThat(body.get("request_id").asText()).isNotBlank();
        assertUpstreamSawNothing();
    }

    // ---- 404, 405 -----------------------------------------------------------------------------

    @Test
    void noRouteIs404() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/nowhere/at/all")).build());

        JsonNode body = JsonErrors.assertErrorBody(404, response);
        assertThat(body.get("request_id").asText()).isNotBlank();
        assertThat(response.headers().firstValue("Allow")).isEmpty();
        assertUpstreamSawNothing();
    }

    @Test
    void wrongMethodOnAMatchedPathIs405WithAllow() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/get-only/x"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());

        JsonNode body = JsonErrors.assertErrorBody(405, response);
        assertThat(body.get("request_id").asText()).isNotBlank();
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertUpstreamSawNothing();
    }

    // ---- 413 ----------------------------------------------------------------------------------

    @Test
    void contentLengthOverTheLimitIs413BeforeAnythingIsForwarded() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(), "POST /rec/upload HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: " + (MAX_BODY_BYTES + 1) + "\r\n\r\n");

        JsonNode body = JsonErrors.assertErrorBody(413, response);
        assertThat(body.get("request_id").asText()).isNotBlank();
        assertUpstreamSawNothing();
    }

    @Test
    void contentLengthAtTheLimitIsForwarded() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/rec/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[MAX_BODY_BYTES])).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(recorder.lastRequest().bodyBytes()).isEqualTo(MAX_BODY_BYTES);
    }

    /**
     * A chunked body has no length up front: the request streams upstream until the body crosses
     * the limit, then the client gets 413 and the upstream connection is cut mid-body, so the
     * upstream never receives a complete request.
     */
    @Test
    void chunkedBodyCrossingTheLimitIs413AndTheUpstreamNeverGetsAWholeRequest() throws Exception {
        int chunk = 40_000;
        StringBuilder wire = new StringBuilder("POST /rec/chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 2; i++) {
            wire.append(Integer.toHexString(chunk)).append("\r\n").append("a".repeat(chunk)).append("\r\n");
        }

        RawHttp.Response response;
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            response = http.send(wire.toString()).readResponse();
        }

        JsonNode body = JsonErrors.assertErrorBody(413, response);
        assertThat(body.get("request_id").asText()).isNotBlank();
        assertThat(recorder.requests()).as("complete requests at the upstream").isEmpty();
        assertThat(send(HttpRequest.newBuilder(uri("/rec/after")).build()).statusCode()).isEqualTo(200);
        assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target).containsExactly("/rec/after");
    }

    // ---- 408 ----------------------------------------------------------------------------------

    @Test
    void incompleteRequestHeadIs408AfterTheHeaderTimeout() throws Exception {
        long start = System.nanoTime();
        try (RawHttp http = RawHttp.connect(node.proxyPort(), 5000)) {
            RawHttp.Response response = http.send("GET /rec/slow HTTP/1.1\r\nHost: x\r\n").readResponse();

            JsonErrors.assertErrorBody(408, response);
            assertThat(http.closedByPeer()).isTrue();
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("header-timeout is 1s")
                .isBetween(900L, 4000L);
        assertUpstreamSawNothing();
    }

    // ---- 431 ----------------------------------------------------------------------------------

    @Test
    void headersOverTheLimitAre431AndNeverForwarded() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response response = http.send("GET /rec/x HTTP/1.1\r\nHost: x\r\nX-Big: "
                    + "a".repeat(MAX_HEADER_BYTES + 100) + "\r\n\r\n").readResponse();

            JsonErrors.assertErrorBody(431, response);
            assertThat(http.closedByPeer()).as("connection closed after the refusal").isTrue();
        }
        assertUpstreamSawNothing();
    }

    @Test
    void headersJustUnderTheLimitAreForwarded() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/rec/x"))
                .header("X-Big", "a".repeat(MAX_HEADER_BYTES / 2)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(recorder.lastRequest().header("X-Big")).hasSize(MAX_HEADER_BYTES / 2);
    }

    // ---- 502 ----------------------------------------------------------------------------------

    @Test
    void closedTargetPortIs502() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/dead/x")).build());

        JsonNode body = JsonErrors.assertErrorBody(502, response);
        assertThat(body.get("request_id").asText()).isNotBlank();
    }

    @Test
    void errorBodiesCarryTheCorrelationIdAsRequestId() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/dead/x"))
                .header("X-Request-Id", "corr-502").build());

        JsonNode body = JsonErrors.assertErrorBody(502, response);
        assertThat(body.get("request_id").asText()).isEqualTo("corr-502");
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("corr-502");
    }

    @Test
    void upstreamDroppingTheConnectionIs502() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/demo/x?close=true")).build());

        JsonNode body = JsonErrors.assertErrorBody(502, response);
        assertThat(body.get("request_id").asText()).isNotBlank();
        assertThat(send(HttpRequest.newBuilder(uri("/demo/after")).build()).statusCode())
                .as("the route still works afterwards").isEqualTo(200);
    }

    // ---- 504 ----------------------------------------------------------------------------------

    @Test
    void upstreamSlowerThanTheResponseTimeoutIs504() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/impatient/x?delay=5s")).build());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        JsonNode body = JsonErrors.assertErrorBody(504, response);
        assertThat(body.get("request_id").asText()).isNotBlank();
        assertThat(body.get("error").asText()).isEqualTo("upstream response timeout 300ms");
        assertThat(millis).as("answered after the 300ms response timeout, not the 5s delay").isBetween(250L, 4000L);
        assertThat(send(HttpRequest.newBuilder(uri("/impatient/fast")).build()).statusCode())
                .as("the upstream's pool recovers").isEqualTo(200);
    }

    @Test
    void routeTimeoutShorterThanTheUpstreamTimeoutIs504() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/hurried/x?delay=5s")).build());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        JsonNode body = JsonErrors.assertErrorBody(504, response);
        assertThat(body.get("error").asText()).as("names the timeout that fired").isEqualTo("route timeout 300ms");
        assertThat(millis).as("answered after the route's 300ms timeout, not the 5s delay").isBetween(250L, 4000L);
        assertThat(send(HttpRequest.newBuilder(uri("/hurried/fast")).build()).statusCode()).isEqualTo(200);
    }

    /**
     * timeouts.response bounds how long the upstream exchange may go without progress: each
     * uploaded chunk restarts it, so a slow but steady upload is served.
     */
    @Test
    void aSlowButSteadyUploadIsNotAnUpstreamResponseTimeout() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort(), 3000)) {
            http.send("POST /rec-impatient/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhe");
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.heads() == 1);
            // The rest arrives in four chunks 150 ms apart (each gap under the 300 ms response
            // timeout, 600 ms in all), sent by a scheduler while this thread waits for the answer.
            ScheduledExecutorService uploader = Executors.newSingleThreadScheduledExecutor();
            try {
                String[] parts = {"ll", "o", "wor", "ld"};
                for (int i = 0; i < parts.length; i++) {
                    String part = parts[i];
                    uploader.schedule(() -> http.send(part), 150L * (i + 1), TimeUnit.MILLISECONDS);
                }
                RawHttp.Response response = http.readResponse();

                assertThat(response.status()).isEqualTo(200);
                assertThat(recorder.lastRequest().bodyBytes()).isEqualTo(10);
            } finally {
                uploader.shutdownNow();
            }
        }
    }

    @Test
    void aStalledUploadIsAnUpstreamTimeout() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort(), 3000)) {
            http.send("POST /rec-impatient/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello");
            RawHttp.Response response = http.readResponse();

            JsonNode body = JsonErrors.assertErrorBody(504, response);
            assertThat(body.get("error").asText()).isEqualTo("upstream response timeout 300ms");
        }
    }

    // ---- 503 ----------------------------------------------------------------------------------

    /**
     * TargetPool: with max-connections 1 and one request in flight, up to 4 requests
     * (WAITERS_PER_CONNECTION per connection) wait for the connection; the next one gets 503 at once.
     */
    @Test
    void exhaustedUpstreamPoolIs503() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        try {
            CompletableFuture<HttpResponse<String>> inFlight = sendAsync("/hold/0");
            all.add(inFlight);
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.heads() == 1);

            List<CompletableFuture<HttpResponse<String>>> more = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                more.add(sendAsync("/hold/" + i));
            }
            all.addAll(more);

            await().atMost(Duration.ofSeconds(5)).until(() -> more.stream().anyMatch(CompletableFuture::isDone));
            List<HttpResponse<String>> rejected = more.stream().filter(CompletableFuture::isDone)
                    .map(CompletableFuture::join).toList();
            assertThat(rejected).hasSize(1);
            JsonNode body = JsonErrors.assertErrorBody(503, rejected.get(0));
            assertThat(body.get("error").asText()).contains("pool");
            assertThat(recorder.heads()).as("the waiting requests are still queued at the gateway").isEqualTo(1);

            recorder.releaseHeld();

            assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            List<String> served = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> f : more) {
                HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
                if (r != rejected.get(0)) {
                    assertThat(r.statusCode()).isEqualTo(200);
                    served.add(r.uri().getPath());
                }
            }
            assertThat(served).hasSize(4);
            assertThat(recorder.requests()).hasSize(5);
            assertThat(recorder.connections()).as("max-connections: 1").isEqualTo(1);
            assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target)
                    .doesNotContain(rejected.get(0).uri().getPath());
        } finally {
            recorder.releaseHeld(); // let nothing of this test reach the upstream during the next one
            CompletableFuture.allOf(all.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
                    .get(20, TimeUnit.SECONDS);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    /**
     * Sends a request the upstream must see, then checks it is the only one the upstream saw:
     * the upstream is reachable, and the request before never arrived.
     */
    private static void assertUpstreamSawNothing() throws Exception {
        HttpResponse<String> sentinel = send(HttpRequest.newBuilder(uri("/rec/sentinel")).build());
        assertThat(sentinel.statusCode()).isEqualTo(200);
        assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target).containsExactly("/rec/sentinel");
        assertThat(recorder.heads()).as("request heads the upstream received").isEqualTo(1);
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + node.proxyPort() + pathAndQuery);
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> sendAsync(String path) {
        return client.sendAsync(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
