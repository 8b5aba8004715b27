package dev.gateway.node.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code observability.access-log} to a file, read back line by line as JSON. */
class AccessLogTest {
    private static final SimpleHttp HTTP = new SimpleHttp();
    private static final List<String> FIELDS = List.of("time", "request_id", "trace_id", "span_id", "client_ip", "method", "path",
            "route", "upstream", "status", "bytes", "gateway_ms", "upstream_ms");

    @TempDir
    Path dir;

    private DemoUpstream users;
    private GatewayNode node;

    @BeforeEach
    void startUpstream() throws Exception {
        users = DemoUpstream.start("127.0.0.1", 0, "users");
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        users.close();
    }

    @Test
    void jsonFormatWritesOneLinePerRequestWithEveryField() throws Exception {
        Path log = dir.resolve("access.log");
        node = startNode("json", log);
        Instant before = Instant.now().minusSeconds(1);

        HttpResponse<String> ok = HTTP.get(node.proxyPort(), "/users/42?delay=50ms&x=1", "X-Request-Id", "req-ok-1");
        HttpResponse<String> missing = HTTP.get(node.proxyPort(), "/nowhere", "X-Request-Id", "ignored-no-route");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(missing.statusCode()).isEqualTo(404);

        List<JsonNode> lines = awaitLines(log, 2);
        Instant after = Instant.now().plusSeconds(1);
        // Entries are queued when each response is complete: order them by path, not by position.
        JsonNode first = lineFor(lines, "/users/42");
        JsonNode second = lineFor(lines, "/nowhere");
        for (JsonNode line : lines) {
            List<String> names = new ArrayList<>();
            line.fieldNames().forEachRemaining(names::add);
            assertThat(names).containsExactlyInAnyOrderElementsOf(FIELDS);
            assertThat(Instant.parse(line.get("time").asText())).isBetween(before, after);
            assertThat(line.get("client_ip").asText()).isEqualTo("127.0.0.1");
            assertThat(line.get("method").asText()).isEqualTo("GET");
        }

        assertThat(first.get("request_id").asText()).as("the correlation id is the request id").isEqualTo("req-ok-1");
        assertThat(first.get("trace_id").asText()).matches("[0-9a-f]{32}");
        assertThat(first.get("path").asText()).isEqualTo("/users/42");
        assertThat(first.get("route").asText()).isEqualTo("users");
        assertThat(first.get("upstream").asText()).isEqualTo("127.0.0.1:" + users.port());
        assertThat(first.get("status").asInt()).isEqualTo(200);
        assertThat(first.get("bytes").asLong()).isEqualTo(ok.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(first.get("upstream_ms").asDouble()).as("the upstream waited 50ms").isBetween(45.0, 5_000.0);
        assertThat(first.get("gateway_ms").asDouble()).isGreaterThanOrEqualTo(first.get("upstream_ms").asDouble());

        assertThat(second.get("path").asText()).isEqualTo("/nowhere");
        assertThat(second.get("status").asInt()).isEqualTo(404);
        assertThat(second.get("request_id").asText()).as("the request id of the error body")
                .isEqualTo(JsonErrors.parse(missing.body()).get("request_id").asText()).isNotBlank();
        assertThat(second.get("route").isNull()).as("no route matched").isTrue();
        assertThat(second.get("upstream").isNull()).isTrue();
        assertThat(second.get("upstream_ms").isNull()).as("never went upstream").isTrue();
        assertThat(second.get("bytes").asLong()).isEqualTo(missing.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(second.get("gateway_ms").asDouble()).isNotNegative();
    }

    @Test
    void everyRequestGetsItsOwnLine() throws Exception {
        Path log = dir.resolve("many.log");
        node = startNode("json", log);

        for (int i = 0; i < 10; i++) {
            assertThat(HTTP.get(node.proxyPort(), "/users/n" + i, "X-Request-Id", "many-" + i).statusCode()).isEqualTo(200);
        }

        List<JsonNode> lines = awaitLines(log, 10);
        assertThat(lines).extracting(l -> l.get("request_id").asText())
                .containsExactlyInAnyOrder("many-0", "many-1", "many-2", "many-3", "many-4", "many-5", "many-6",
                        "many-7", "many-8", "many-9");
        assertThat(lines).extracting(l -> l.get("trace_id").asText()).doesNotHaveDuplicates();
    }

    @Test
    void formatOffWritesNothing() throws Exception {
        Path log = dir.resolve("off.log");
        node = startNode("off", log);

        for (int i = 0; i < 5; i++) {
            assertThat(HTTP.get(node.proxyPort(), "/users/" + i).statusCode()).isEqualTo(200);
        }
        assertThat(HTTP.get(node.proxyPort(), "/nowhere").statusCode()).isEqualTo(404);
        node.close(); // flushes and stops the log writer: whatever was queued is on disk now
        node = null;

        assertThat(log).as("nothing written with format: off").satisfies(
                p -> assertThat(Files.notExists(p) || Files.size(p) == 0).isTrue());
    }

    private GatewayNode startNode(String format, Path log) throws Exception {
        return GatewayNode.start(TestConfigs.parse("""
                node: {name: gw-log, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}, limits: {drain-timeout: 1s}}
                observability:
                  access-log: {format: "%s", file: "%s"}
                  tracing: {propagate: w3c}
                upstreams:
                  users: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: users, match: {path: /users/**}, upstream: users, request: {correlation-id: X-Request-Id}}
                """.formatted(format, log.toString().replace("\\", "/"), users.port())));
    }

    private static JsonNode lineFor(List<JsonNode> lines, String path) {
        List<JsonNode> found = lines.stream().filter(l -> l.get("path").asText().equals(path)).toList();
        assertThat(found).as("lines for %s in %s", path, lines).hasSize(1);
        return found.get(0);
    }

    /** Waits for exactly {@code n} complete lines (and no more) and parses them. */
    private static List<JsonNode> awaitLines(Path log, int n) {
        await().atMost(Duration.ofSeconds(5)).until(() -> completeLines(log).size() >= n);
        List<String> lines = completeLines(log);
        assertThat(lines).hasSize(n);
        return lines.stream().map(JsonErrors::parse).toList();
    }

    private static List<String> completeLines(Path log) {
        try {
            if (Files.notExists(log)) {
                return List.of();
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
