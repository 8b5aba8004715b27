package dev.gateway.node.compression;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routes with {@code compression:} on a real node, in front of the demo upstream and a raw one. */
class CompressionIntegrationTest {
    private static final long TWENTY_MB = 20L * 1024 * 1024;
    private static final String PAD = "p".repeat(600);

    private static DemoUpstream echo;
    private static RecordingUpstream raw;
    private static GatewayNode node;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        echo = DemoUpstream.start("127.0.0.1", 0, "echo");
        raw = RecordingUpstream.start();
        node = GatewayNode.start(TestConfigs.withDefaults("""
                upstreams:
                  echo: {targets: ["http://127.0.0.1:%d"]}
                  raw: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: json, match: {path: /json/**}, upstream: echo, compression: {types: [application/json], min-bytes: 256}}
                  - {id: small, match: {path: /small/**}, upstream: echo, compression: {types: [application/json], min-bytes: 100000}}
                  - {id: stream, match: {path: /stream/**}, upstream: echo, compression: {types: [application/octet-stream]}}
                  - {id: raw, match: {path: /raw/**}, upstream: raw, compression: {types: [text/*], min-bytes: 64}}
                """.formatted(echo.port(), raw.port())));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (raw != null) {
            raw.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    @BeforeEach
    void resetRaw() {
        raw.reset();
    }

    @Test
    void aJsonResponseIsGzippedAndDecompressesToWhatTheUpstreamSent() throws Exception {
        HttpResponse<byte[]> response = send(get("/json/hello?pad=" + PAD).header("Accept-Encoding", "gzip, deflate"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(response.headers().allValues("Vary")).containsExactly("Accept-Encoding");
        assertThat(response.headers().firstValueAsLong("Content-Length"))
                .as("none, or the compressed length when Grizzly had it all before the head went out")
                .satisfiesAnyOf(length -> assertThat(length).isEmpty(), length -> assertThat(length).hasValue(response.body().length));
        JsonNode seen = JsonErrors.parse(new String(gunzip(response.body()), StandardCharsets.UTF_8));
        assertThat(seen.get("path").asText()).isEqualTo("/json/hello");
        assertThat(seen.get("query").asText()).isEqualTo("pad=" + PAD);
        assertThat(seen.get("headers").get("accept-encoding").asText()).as("passed on to the upstream").isEqualTo("gzip, deflate");
    }

    @Test
    void aClientWithoutGzipGetsIdentityWithVary() throws Exception {
        HttpResponse<byte[]> none = send(get("/json/hello?pad=" + PAD));
        HttpResponse<byte[]> refused = send(get("/json/hello?pad=" + PAD).header("Accept-Encoding", "gzip;q=0, br"));

        for (HttpResponse<byte[]> response : java.util.List.of(none, refused)) {
            assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(response.headers().allValues("Vary")).containsExactly("Accept-Encoding");
            assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(response.body().length);
            assertThat(JsonErrors.parse(new String(response.body(), StandardCharsets.UTF_8)).get("path").asText())
                    .isEqualTo("/json/hello");
        }
    }

    @Test
    void aResponseBelowMinBytesIsUntouched() throws Exception {
        HttpResponse<byte[]> response = send(get("/small/x").header("Accept-Encoding", "gzip"));

        assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(response.headers().firstValue("Vary")).isEmpty();
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(response.body().length);
    }

    @Test
    void headAnd204AreNeverCompressed() throws Exception {
        HttpResponse<byte[]> head = send(HttpRequest.newBuilder(uri("/json/h?pad=" + PAD)).header("Accept-Encoding", "gzip")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        HttpResponse<byte[]> noContent = send(get("/json/n?status=204&pad=" + PAD).header("Accept-Encoding", "gzip"));

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(noContent.statusCode()).isEqualTo(204);
        assertThat(noContent.headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void anAlreadyEncodedResponseIsPassedAsItCame() throws Exception {
        byte[] brotli = new byte[200];
        new java.util.Random(1).nextBytes(brotli);
        raw.respondRawAndClose("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: br\r\nContent-Length: 200\r\n\r\n"
                + new String(brotli, StandardCharsets.ISO_8859_1));

        HttpResponse<byte[]> response = send(get("/raw/encoded").header("Accept-Encoding", "gzip, br"));

        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("br");
        assertThat(response.body()).isEqualTo(brotli);
    }

    @Test
    void noTransformIsHonoured() throws Exception {
        String text = "t".repeat(500);
        raw.respondRawAndClose("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: private, no-transform\r\n"
                + "Content-Length: 500\r\n\r\n" + text);

        HttpResponse<byte[]> response = send(get("/raw/nt").header("Accept-Encoding", "gzip"));

        assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(response.body(), StandardCharsets.ISO_8859_1)).isEqualTo(text);
    }

    @Test
    void aBodyOfUnknownLengthIsCompressedWhateverItsSize() throws Exception {
        raw.respondRawAndClose("HTTP/1.1 200 OK\r\nContent-Type: text/csv; charset=utf-8\r\nConnection: close\r\n\r\na,b\n1,2\n");

        HttpResponse<byte[]> response = send(get("/raw/csv").header("Accept-Encoding", "gzip"));

        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(new String(gunzip(response.body()), StandardCharsets.UTF_8)).isEqualTo("a,b\n1,2\n");
    }

    @Test
    void aGzippedRequestBodyReachesTheUpstreamUntouched() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
            out.write("{\"upload\":true}".repeat(50).getBytes(StandardCharsets.UTF_8));
        }

        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/json/upload"))
                .header("Content-Encoding", "gzip").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())));

        JsonNode seen = JsonErrors.parse(new String(response.body(), StandardCharsets.UTF_8));
        assertThat(seen.get("body_bytes").asInt()).isEqualTo(zipped.size());
        assertThat(seen.get("headers").get("content-encoding").asText()).isEqualTo("gzip");
    }

    @Test
    void twentyMegabytesStreamThroughCompressed() throws Exception {
        HttpResponse<InputStream> response = client.send(get("/stream/big?bytes=" + TWENTY_MB)
                .header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        CountingStream compressed = new CountingStream(response.body());
        long total = 0;
        try (GZIPInputStream in = new GZIPInputStream(compressed, 64 * 1024)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != 'x') {
                        throw new AssertionError("byte " + (total + i) + " is " + buffer[i]);
                    }
                }
                total += n;
            }
        }
        assertThat(total).isEqualTo(TWENTY_MB);
        assertThat(compressed.count).as("compressed size").isLessThan(TWENTY_MB / 50);
    }

    private static HttpRequest.Builder get(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).GET();
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + node.proxyPort() + pathAndQuery);
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        return GzipBodyTest.gunzip(bytes);
    }

    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }
    }
}
