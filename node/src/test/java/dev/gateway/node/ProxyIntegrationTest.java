package dev.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** End to end through a real node: what reaches the upstream, and what comes back to the client. */
class ProxyIntegrationTest {
    private static DemoUpstream users;
    private static RecordingUpstream recorder;
    private static GatewayNode node;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        users = DemoUpstream.start("127.0.0.1", 0, "users");
        recorder = RecordingUpstream.start();
        node = GatewayNode.start(TestConfigs.withDefaults("""
                upstreams:
                  users: {targets: ["http://127.0.0.1:%1$d"]}
                  recorder: {targets: ["http://127.0.0.1:%2$d"]}
                  based: {targets: ["http://127.0.0.1:%1$d/base"]}
                routes:
                  - {id: plain, match: {path: /plain/**}, upstream: users}
                  - id: stripped
                    match: {path: /api/v1/**}
                    upstream: users
                    rewrite: {strip-prefix: /api/v1}
                  - id: transformed
                    match: {path: /transformed/**}
                    upstream: users
                    request:
                      set-headers: {X-Gateway: "1", X-Override: gateway}
                      remove-headers: [X-Debug]
                      correlation-id: X-Request-Id
                  - id: rec-transformed
                    match: {path: /rec-t/**}
                    upstream: recorder
                    response:
                      set-headers: {X-Served-By: gw-test}
                      remove-headers: [X-Upstream-Secret]
                  - {id: rec, match: {path: /rec/**}, upstream: recorder}
                  - {id: based, match: {path: /based/**}, upstream: based}
                """.formatted(users.port(), recorder.port())));
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
        if (users != null) {
            users.close();
        }
    }

    @BeforeEach
    void resetRecorder() {
        recorder.reset();
    }

    @Test
    void getIsForwardedAndTheUpstreamAnswerComesBack() throws Exception {
        HttpResponse<String> response = send(get("/plain/hello"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode seen = JsonErrors.parse(response.body());
        assertThat(seen.get("service").asText()).isEqualTo("users");
        assertThat(seen.get("method").asText()).isEqualTo("GET");
        assertThat(seen.get("path").asText()).isEqualTo("/plain/hello");
        assertThat(seen.get("body_bytes").asInt()).isZero();
    }

    @Test
    void postBodyArrivesIntact() throws Exception {
        String text = "{\"name\":\"h\u00e9llo w\u00f6rld\",\"n\":42}";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/plain/things"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode seen = JsonErrors.parse(response.body());
        assertThat(seen.get("method").asText()).isEqualTo("POST");
        assertThat(seen.get("body").asText()).isEqualTo(text);
        assertThat(seen.get("body_bytes").asInt()).isEqualTo(bytes.length);
        assertThat(seen.get("headers").get("content-length").asText()).isEqualTo(String.valueOf(bytes.length));
        assertThat(seen.get("headers").get("content-type").asText()).isEqualTo("application/json");
    }

    @Test
    void threeMegabyteBodyWithContentLengthArrivesIntact() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(body);

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/rec/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        RecordingUpstream.Recorded seen = recorder.lastRequest();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.bodyBytes()).isEqualTo(body.length);
        assertThat(seen.bodySha256()).isEqualTo(RecordingUpstream.sha256Hex(body));
        assertThat(seen.header("Content-Length")).isEqualTo(String.valueOf(body.length));
    }

    @Test
    void chunkedBodyFromARawClientArrivesIntact() throws Exception {
        Random random = new Random(11);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(("POST /rec/chunked HTTP/1.1\r\nHost: client.example\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < 40; i++) {
            byte[] chunk = new byte[1 + random.nextInt(20_000)];
            random.nextBytes(chunk);
            all.write(chunk);
            wire.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            wire.write(chunk);
            wire.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        wire.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

        RawHttp.Response response;
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            response = http.send(wire.toByteArray()).readResponse();
        }

        assertThat(response.status()).isEqualTo(200);
        RecordingUpstream.Recorded seen = recorder.lastRequest();
        assertThat(seen.bodyBytes()).isEqualTo(all.size());
        assertThat(seen.bodySha256()).isEqualTo(RecordingUpstream.sha256Hex(all.toByteArray()));
    }

    @Test
    void queryStringIsPassedExactlyAsSent() throws Exception {
        String query = "b=2&a=1&a=3&enc=%20x%2F%C3%A9&flag&empty=&plus=a+b";

        JsonNode seen = JsonErrors.parse(send(get("/plain/q?" + query)).body());

        assertThat(seen.get("path").asText()).isEqualTo("/plain/q");
        assertThat(seen.get("query").asText()).isEqualTo(query);
    }

    @Test
    void stripPrefixRewritesThePathAndKeepsTheQuery() throws Exception {
        JsonNode seen = JsonErrors.parse(send(get("/api/v1/users/7?x=1")).body());

        assertThat(seen.get("path").asText()).isEqualTo("/users/7");
        assertThat(seen.get("query").asText()).isEqualTo("x=1");
    }

    @Test
    void theTargetsBasePathIsPrepended() throws Exception {
        JsonNode seen = JsonErrors.parse(send(get("/based/x")).body());

        assertThat(seen.get("path").asText()).isEqualTo("/base/based/x");
    }

    @Test
    void dotSegmentsAreResolvedBeforeRoutingAndForwarding() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(),
                "GET /plain/a/../b/./c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(JsonErrors.parse(response.bodyText()).get("path").asText()).isEqualTo("/plain/b/c");
    }

    @Test
    void requestHeadersAreSetAndRemoved() throws Exception {
        JsonNode headers = JsonErrors.parse(send(HttpRequest.newBuilder(uri("/transformed/h"))
                .header("X-Debug", "yes").header("X-Override", "client").header("X-Keep", "k").build()).body())
                .get("headers");

        assertThat(headers.get("x-gateway").asText()).isEqualTo("1");
        assertThat(headers.get("x-override").asText()).isEqualTo("gateway");
        assertThat(headers.get("x-keep").asText()).isEqualTo("k");
        assertThat(headers.has("x-debug")).isFalse();
    }

    @Test
    void responseHeadersAreSetAndRemoved() throws Exception {
        recorder.respondWithHeaders("X-Upstream-Secret: s", "X-Kept: yes");

        HttpResponse<String> plain = send(get("/rec/x"));
        HttpResponse<String> transformed = send(get("/rec-t/x"));

        assertThat(plain.headers().firstValue("X-Upstream-Secret")).as("control: without a transform").hasValue("s");
        assertThat(transformed.statusCode()).isEqualTo(200);
        assertThat(transformed.headers().firstValue("X-Upstream-Secret")).isEmpty();
        assertThat(transformed.headers().firstValue("X-Kept")).hasValue("yes");
        assertThat(transformed.headers().firstValue("X-Served-By")).hasValue("gw-test");
        assertThat(transformed.body()).isEqualTo("ok GET /rec-t/x");
    }

    @Test
    void correlationIdIsGeneratedWhenAbsentAndEchoed() throws Exception {
        HttpResponse<String> response = send(get("/transformed/c"));

        String upstreamSaw = JsonErrors.parse(response.body()).get("headers").get("x-request-id").asText();
        assertThat(upstreamSaw).matches("[0-9a-f]{32}");
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue(upstreamSaw);
        String next = JsonErrors.parse(send(get("/transformed/c")).body()).get("headers").get("x-request-id").asText();
        assertThat(next).isNotEqualTo(upstreamSaw);
    }

    @Test
    void correlationIdIsPassedThroughWhenPresentAndEchoed() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/transformed/c"))
                .header("X-Request-Id", "abc-123").build());

        assertThat(JsonErrors.parse(response.body()).get("headers").get("x-request-id").asText()).isEqualTo("abc-123");
        assertThat(response.headers().allValues("X-Request-Id")).containsExactly("abc-123");
    }

    @Test
    void anUnusableCorrelationIdIsReplaced() throws Exception {
        String tooLong = "x".repeat(200);

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/transformed/c"))
                .header("X-Request-Id", tooLong).build());

        String upstreamSaw = JsonErrors.parse(response.body()).get("headers").get("x-request-id").asText();
        assertThat(upstreamSaw).matches("[0-9a-f]{32}");
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue(upstreamSaw);
    }

    @Test
    void forwardingHeadersAndViaAreAdded() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/plain/f"))
                .header("X-Forwarded-For", "203.0.113.9").build());

        JsonNode headers = JsonErrors.parse(response.body()).get("headers");
        assertThat(headers.get("x-forwarded-for").asText()).isEqualTo("203.0.113.9, 127.0.0.1");
        assertThat(headers.get("x-forwarded-proto").asText()).isEqualTo("http");
        assertThat(headers.get("x-forwarded-host").asText()).isEqualTo("127.0.0.1:" + node.proxyPort());
        assertThat(headers.get("via").asText()).isEqualTo("1.1 gw-test");
        assertThat(headers.get("host").asText()).isEqualTo("127.0.0.1:" + users.port());
        assertThat(response.headers().firstValue("Via")).hasValueSatisfying(via -> assertThat(via).contains("1.1 gw-test"));
    }

    @Test
    void hostIsTheTargetsAndTheClientsGoesToXForwardedHost() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(),
                "GET /plain/host HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");

        JsonNode headers = JsonErrors.parse(response.bodyText()).get("headers");
        assertThat(headers.get("host").asText()).isEqualTo("127.0.0.1:" + users.port());
        assertThat(headers.get("x-forwarded-host").asText()).isEqualTo("evil.example");
        assertThat(headers.get("x-forwarded-for").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void hopByHopRequestHeadersNeverReachTheUpstream() throws Exception {
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(), "GET /rec/hop HTTP/1.1\r\n"
                + "Host: client.example\r\n"
                + "Connection: keep-alive, X-Secret\r\n"
                + "X-Secret: s3cr3t\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "TE: trailers\r\n"
                + "Trailer: X-Checksum\r\n"
                + "Upgrade: websocket\r\n"
                + "X-End-To-End: kept\r\n"
                + "\r\n");

        assertThat(response.status()).isEqualTo(200);
        RecordingUpstream.Recorded seen = recorder.lastRequest();
        assertThat(seen.headerNames()).noneMatch(name -> name.equalsIgnoreCase("X-Secret")
                || name.equalsIgnoreCase("Keep-Alive") || name.equalsIgnoreCase("Proxy-Connection")
                || name.equalsIgnoreCase("TE") || name.equalsIgnoreCase("Trailer")
                || name.equalsIgnoreCase("Upgrade"));
        assertThat(seen.rawHead()).doesNotContain("s3cr3t");
        String connection = seen.header("Connection");
        if (connection != null) {
            assertThat(connection).doesNotContainIgnoringCase("x-secret");
        }
        assertThat(seen.header("X-End-To-End")).isEqualTo("kept");
    }

    @Test
    void hopByHopResponseHeadersNeverReachTheClient() throws Exception {
        recorder.respondWithHeaders("Connection: X-Hop-Response", "X-Hop-Response: secret",
                "Keep-Alive: timeout=5, max=100", "Proxy-Connection: keep-alive", "X-Kept: yes");

        RawHttp.Response response = RawHttp.exchange(node.proxyPort(),
                "GET /rec/hop-response HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headerNames()).noneMatch(name -> name.equalsIgnoreCase("X-Hop-Response")
                || name.equalsIgnoreCase("Keep-Alive") || name.equalsIgnoreCase("Proxy-Connection"));
        assertThat(response.rawHead()).doesNotContain("secret");
        String connection = response.header("Connection");
        if (connection != null) {
            assertThat(connection).doesNotContainIgnoringCase("x-hop-response");
        }
        assertThat(response.header("X-Kept")).isEqualTo("yes");
        assertThat(response.bodyText()).isEqualTo("ok GET /rec/hop-response");
    }

    @Test
    void identityHeadersFromClientsAreStripped() throws Exception {
        JsonNode headers = JsonErrors.parse(send(HttpRequest.newBuilder(uri("/plain/me"))
                .header("X-Consumer-Id", "admin")
                .header("x-consumer-plan", "platinum")
                .header("X-Authenticated-Subject", "root")
                .header("X-Other", "kept").build()).body()).get("headers");

        assertThat(headers.has("x-consumer-id")).isFalse();
        assertThat(headers.has("x-consumer-plan")).isFalse();
        assertThat(headers.has("x-authenticated-subject")).isFalse();
        assertThat(headers.get("x-other").asText()).isEqualTo("kept");
    }

    @Test
    void keepAliveCarriesManyRequestsOnOneClientConnectionOverFewUpstreamConnections() throws Exception {
        int requests = 50;
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            for (int i = 0; i < requests; i++) {
                RawHttp.Response response = http.send("GET /rec/ka/" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
                assertThat(response.status()).as("request %d", i).isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo("ok GET /rec/ka/" + i);
            }
        }

        assertThat(recorder.requests()).hasSize(requests);
        assertThat(recorder.connections()).as("upstream connections opened for %d requests", requests)
                .isLessThanOrEqualTo(2);
    }

    @Test
    void headAnswersWithoutABodyAndTheConnectionStaysUsable() throws Exception {
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            RawHttp.Response head = http.send("HEAD /plain/h HTTP/1.1\r\nHost: x\r\n\r\n").readResponse(true);
            RawHttp.Response get = http.send("GET /plain/h HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();

            assertThat(head.status()).isEqualTo(200);
            assertThat(get.status()).isEqualTo(200);
            assertThat(JsonErrors.parse(get.bodyText()).get("method").asText()).isEqualTo("GET");
            assertThat(head.header("Content-Length")).isNotNull();
        }
    }

    /** RFC 9112 6.3: a response with neither Content-Length nor chunked coding ends when the connection does. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close", "HTTP/1.0 200 OK"})
    void aBodyEndedByTheUpstreamClosingTheConnectionArrivesWhole(String head) throws Exception {
        String body = "0123456789abcdef".repeat(20_000);
        recorder.respondRawAndClose(head + "\r\n\r\n" + body);

        RawHttp.Response response = RawHttp.exchange(node.proxyPort(), "GET /rec/until-close HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().length).isEqualTo(body.length());
        assertThat(RecordingUpstream.sha256Hex(response.body()))
                .isEqualTo(RecordingUpstream.sha256Hex(body.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void aResponseCutShortByTheUpstreamIsNeverPassedOffAsComplete() throws Exception {
        recorder.respondRawAndClose("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1000));

        byte[] all;
        try (RawHttp http = RawHttp.connect(node.proxyPort())) {
            http.send("GET /rec/cut HTTP/1.1\r\nHost: x\r\n\r\n");
            all = http.input().readNBytes(1_000_000);
        }

        String text = new String(all, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0 || !text.startsWith("HTTP/1.1 200")) {
            return; // no response, or the gateway's own error: either way nothing looks complete
        }
        String head = text.substring(0, headEnd).toLowerCase(java.util.Locale.ROOT);
        String body = text.substring(headEnd + 4);
        if (head.contains("transfer-encoding: chunked")) {
            assertThat(body).as("chunked body without its last chunk").doesNotEndWith("0\r\n\r\n");
        } else {
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("content-length: *(\\d+)").matcher(head);
            assertThat(length.find()).as("a 200 without framing would look complete at EOF: %s", head).isTrue();
            assertThat(body.length()).isLessThan(Integer.parseInt(length.group(1)));
        }
    }

    @Test
    void hundredMegabyteDownloadStreamsThrough() throws Exception {
        long size = 100L * 1024 * 1024;

        HttpResponse<InputStream> response = client.send(get("/plain/big?bytes=" + size),
                HttpResponse.BodyHandlers.ofInputStream());

        long received = 0;
        try (InputStream in = response.body()) {
            byte[] buf = new byte[256 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                received += n;
            }
        }
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(size);
        assertThat(received).isEqualTo(size);
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + node.proxyPort() + pathAndQuery);
    }

    private static HttpRequest get(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20)).build();
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
