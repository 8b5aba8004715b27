package dev.gateway.node.upstream.ahc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamTarget;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The grizzly-http-client adapter: a node started with {@code -Dgateway.upstream-client=ahc}
 * (the property is set around {@link GatewayNode#start} only) in front of {@link DemoUpstream}
 * and a {@link RecordingUpstream}, plus the client on its own for back-pressure and pool bounds.
 */
class AhcUpstreamClientIntegrationTest {
    private static final int TWENTY_MB = 20 * 1024 * 1024;

    private static DemoUpstream demo;
    private static RecordingUpstream recorder;
    private static GatewayNode node;
    private static HttpClient client;
    private static ScheduledExecutorService timer;

    @BeforeAll
    static void start() throws Exception {
        demo = DemoUpstream.start("127.0.0.1", 0, "ahc");
        recorder = RecordingUpstream.start();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ahc-test-timer");
            t.setDaemon(true);
            return t;
        });
        int closed = TestConfigs.closedPort();
        node = AhcNodes.start("""
                upstreams:
                  demo: {targets: ["http://127.0.0.1:%1$d"]}
                  rec: {targets: ["http://127.0.0.1:%2$d"]}
                  impatient: {targets: ["http://127.0.0.1:%1$d"], timeouts: {response: 300ms}}
                  dead: {targets: ["http://127.0.0.1:%3$d"]}
                routes:
                  - {id: demo, match: {path: /demo/**}, upstream: demo}
                  - {id: rec, match: {path: /rec/**}, upstream: rec}
                  - {id: impatient, match: {path: /impatient/**}, upstream: impatient}
                  - {id: dead, match: {path: /dead/**}, upstream: dead}
                """.formatted(demo.port(), recorder.port(), closed));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (recorder != null) {
            recorder.close();
        }
        if (demo != null) {
            demo.close();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    @Test
    void theNodeUsesTheAhcClient() throws Exception {
        assertThat(send(HttpRequest.newBuilder(uri("/demo/which")).build()).statusCode()).isEqualTo(200);

        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .anyMatch(name -> name.startsWith("gateway-ahc-kernel"));
    }

    @Test
    void getIsForwardedAndTheAnswerComesBack() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/demo/hello?x=1&y=%2F")).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode seen = JsonErrors.parse(response.body());
        assertThat(seen.get("service").asText()).isEqualTo("ahc");
        assertThat(seen.get("method").asText()).isEqualTo("GET");
        assertThat(seen.get("path").asText()).isEqualTo("/demo/hello");
        assertThat(seen.get("query").asText()).isEqualTo("x=1&y=%2F");
        assertThat(seen.get("body_bytes").asInt()).isZero();
        assertThat(seen.get("headers").get("host").asText()).isEqualTo("127.0.0.1:" + demo.port());
    }

    @Test
    void theUpstreamSeesOnlyTheGatewaysHeadersNotAhcs() throws Exception {
        recorder.reset();
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(),
                "GET /rec/plain HTTP/1.1\r\nHost: client.example\r\nX-Custom: 1\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        RecordingUpstream.Recorded seen = recorder.lastRequest();
        assertThat(seen.target()).isEqualTo("/rec/plain");
        assertThat(seen.header("X-Custom")).isEqualTo("1");
        assertThat(seen.header("Host")).isEqualTo("127.0.0.1:" + recorder.port());
        assertThat(seen.headerNames()).map(String::toLowerCase)
                .doesNotContain("user-agent", "accept", "connection", "transfer-encoding", "content-length", "cookie");
    }

    @Test
    void postBodyArrivesIntact() throws Exception {
        String text = "{\"name\":\"h\u00e9llo w\u00f6rld\",\"n\":42}";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/demo/things"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode seen = JsonErrors.parse(response.body());
        assertThat(seen.get("method").asText()).isEqualTo("POST");
        assertThat(seen.get("body").asText()).isEqualTo(text);
        assertThat(seen.get("body_bytes").asInt()).isEqualTo(bytes.length);
        assertThat(seen.get("headers").get("content-length").asText()).isEqualTo(String.valueOf(bytes.length));
    }

    @Test
    void threeMegabyteStreamedUploadArrivesIntact() throws Exception {
        recorder.reset();
        byte[] body = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(body);

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/rec/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        RecordingUpstream.Recorded seen = recorder.lastRequest();
        assertThat(seen.bodyBytes()).isEqualTo(body.length);
        assertThat(seen.bodySha256()).isEqualTo(RecordingUpstream.sha256Hex(body));
        assertThat(seen.header("Content-Length")).isEqualTo(String.valueOf(body.length));
    }

    @Test
    void chunkedUploadGoesOutChunked() throws Exception {
        recorder.reset();
        String wire = "POST /rec/chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";

        RawHttp.Response response = RawHttp.exchange(node.proxyPort(), wire);

        assertThat(response.status()).isEqualTo(200);
        RecordingUpstream.Recorded seen = recorder.lastRequest();
        assertThat(seen.bodyBytes()).isEqualTo(11);
        assertThat(seen.bodySha256()).isEqualTo(RecordingUpstream.sha256Hex("hello world".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void twentyMegabyteDownloadStreamsThrough() throws Exception {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri("/demo/big?bytes=" + TWENTY_MB))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = response.body()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        }
        assertThat(total).isEqualTo(TWENTY_MB);
    }

    @Test
    void closedTargetPortIs502() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/dead/x")).build());

        JsonNode body = JsonErrors.assertErrorBody(502, response);
        assertThat(body.get("error").asText()).contains("connect");
    }

    @Test
    void upstreamSlowerThanTheResponseTimeoutIs504() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/impatient/x?delay=5s")).build());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        JsonErrors.assertErrorBody(504, response);
        assertThat(millis).as("answered after the 300ms response timeout, not the 5s delay").isBetween(250L, 4000L);
    }

    // ---- the client on its own --------------------------------------------------------------------

    /**
     * A sink that stops after its first chunk stops the upstream: an upstream writing 128 MB
     * gets only as far as the socket buffers (and one read) allow, then everything arrives once
     * the sink resumes.
     */
    @Test
    void aPausedSinkHoldsTheUpstreamBack() throws Exception {
        long size = 128L * 1024 * 1024;
        try (BulkUpstream upstream = new BulkUpstream(size);
             AhcUpstreamClient ahc = new AhcUpstreamClient(65536, timer, 1)) {
            GatewayResponse response = ahc.send(call(upstream.port(), "GET", "/bulk", Body.empty(), 30_000))
                    .get(10, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body().length()).isEqualTo(size);
            CountingSink sink = new CountingSink();
            sink.pauseAfterFirst.set(true);
            response.body().subscribe(sink);

            // While the sink stays paused, the upstream must stay held back for the whole second and a half.
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                    .until(() -> upstream.written.get() < 16L * 1024 * 1024);
            long written = upstream.written.get();
            assertThat(written).as("bytes the upstream could write while the sink was paused").isLessThan(16L * 1024 * 1024);
            assertThat(sink.received.get()).isLessThan(written + 1);

            sink.pauseAfterFirst.set(false);
            response.body().resume();
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.done.get());
            assertThat(sink.error.get()).isNull();
            assertThat(sink.received.get()).isEqualTo(size);
        }
    }

    /** {@code pool.max-connections} bounds the target's connections; requests over it wait for one. */
    @Test
    void poolBoundFromTheCallIsHonoured() throws Exception {
        try (AhcUpstreamClient ahc = new AhcUpstreamClient(65536, timer, 1)) {
            List<CompletableFuture<GatewayResponse>> calls = new ArrayList<>();
            UpstreamTarget target = target(demo.port());
            AtomicInteger maxOpen = new AtomicInteger();
            for (int i = 0; i < 6; i++) {
                calls.add(ahc.send(new UpstreamCall(target, "GET", "/pool?delay=300ms", headers(demo.port()),
                        Body.empty(), exchange(), TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(10),
                        new UpstreamCall.PoolSettings(2, TimeUnit.SECONDS.toNanos(30)))));
                maxOpen.accumulateAndGet(ahc.openConnections(target), Math::max);
            }
            long start = System.nanoTime();
            for (CompletableFuture<GatewayResponse> c : calls) {
                GatewayResponse r = c.get(20, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(200);
                CountingSink sink = new CountingSink();
                r.body().subscribe(sink);
                await().atMost(Duration.ofSeconds(5)).until(() -> sink.done.get());
                maxOpen.accumulateAndGet(ahc.openConnections(target), Math::max);
            }
            assertThat(maxOpen.get()).isBetween(1, 2);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("three waves of 300ms")
                    .isGreaterThanOrEqualTo(500L);
            await().atMost(Duration.ofSeconds(5)).until(() -> ahc.idleConnections(target) == 2);
        }
    }

    @Test
    void directCallsMapFailures() throws Exception {
        try (AhcUpstreamClient ahc = new AhcUpstreamClient(65536, timer, 1)) {
            int closed = TestConfigs.closedPort();
            assertThat(failure(ahc.send(call(closed, "GET", "/", Body.empty(), 5_000))).status()).isEqualTo(502);
            assertThat(failure(ahc.send(call(demo.port(), "GET", "/slow?delay=3s", Body.empty(), 200))).status())
                    .isEqualTo(504);
        }
        AhcUpstreamClient closedClient = new AhcUpstreamClient(65536, timer, 1);
        closedClient.close();
        assertThat(failure(closedClient.send(call(demo.port(), "GET", "/", Body.empty(), 5_000))).status()).isEqualTo(503);
    }

    @Test
    void webSocketUpgradesAreRefusedWith501() throws Exception {
        try (AhcUpstreamClient ahc = new AhcUpstreamClient(65536, timer, 1)) {
            Exchange exchange = exchange();
            exchange.webSocket(true);
            UpstreamCall upgrade = new UpstreamCall(target(demo.port()), "GET", "/ws", headers(demo.port()), Body.empty(),
                    exchange, TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(5),
                    new UpstreamCall.PoolSettings(8, TimeUnit.SECONDS.toNanos(30)));
            GatewayException refused = failure(ahc.send(upgrade));
            assertThat(refused.status()).isEqualTo(501);
            assertThat(refused.getMessage()).contains("WebSocket");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static GatewayException failure(CompletableFuture<GatewayResponse> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(GatewayException.class);
            return (GatewayException) e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    private static UpstreamTarget target(int port) {
        return new UpstreamTarget("test", "127.0.0.1", port, false, "", "127.0.0.1:" + port, 1, "127.0.0.1:" + port);
    }

    private static Headers headers(int port) {
        return new Headers().add("Host", "127.0.0.1:" + port);
    }

    private static Exchange exchange() {
        return new Exchange("127.0.0.1", "http", System.nanoTime(), "test");
    }

    private static UpstreamCall call(int port, String method, String pathAndQuery, Body body, long responseMillis) {
        return new UpstreamCall(target(port), method, pathAndQuery, headers(port), body, exchange(),
                TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(responseMillis),
                new UpstreamCall.PoolSettings(8, TimeUnit.SECONDS.toNanos(30)));
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + node.proxyPort() + pathAndQuery);
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static final class CountingSink implements BodySink {
        final AtomicLong received = new AtomicLong();
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicBoolean pauseAfterFirst = new AtomicBoolean();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        @Override
        public boolean onData(ByteBuffer chunk, boolean last) {
            received.addAndGet(chunk.remaining());
            if (last) {
                done.set(true);
            }
            return !pauseAfterFirst.get();
        }

        @Override
        public void onError(Throwable e) {
            error.set(e);
            done.set(true);
        }
    }

    /** Answers one request with {@code size} bytes, counting what the socket accepted. */
    private static final class BulkUpstream implements AutoCloseable {
        final AtomicLong written = new AtomicLong();
        private final ServerSocket server;
        private final Thread thread;

        BulkUpstream(long size) throws Exception {
            server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> serve(size), "bulk-upstream");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(long size) {
            try (Socket socket = server.accept()) {
                socket.setSendBufferSize(64 * 1024);
                InputStream in = socket.getInputStream();
                int matched = 0;
                while (matched < 4) { // up to the end of the request head
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + size
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] block = new byte[64 * 1024];
                for (long left = size; left > 0; ) {
                    int n = (int) Math.min(block.length, left);
                    out.write(block, 0, n);
                    written.addAndGet(n);
                    left -= n;
                }
                out.flush();
                // Keep the connection open until the client is done with it (EOF), at most 5 s.
                socket.setSoTimeout(5_000);
                while (in.read() >= 0) {
                    // drain whatever the client still sends
                }
            } catch (Exception e) {
                // the test is over or the client went away
            }
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
            thread.interrupt();
        }
    }
}
