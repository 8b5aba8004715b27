package dev.gateway.node.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * W3C trace context ({@code observability.tracing.propagate}) as the upstream receives it. One
 * node propagates (w3c, the default when the section is absent) and logs to a file; another
 * has propagation off.
 */
class TraceContextTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";
    private static final String TRACESTATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
    private static final String VALID_TRACEPARENT = "00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}";
    private static final SimpleHttp HTTP = new SimpleHttp();

    @TempDir
    static Path dir;

    private static RecordingUpstream recorder;
    private static GatewayNode w3c;
    private static GatewayNode off;
    private static Path accessLog;

    @BeforeAll
    static void start() throws Exception {
        recorder = RecordingUpstream.start();
        accessLog = dir.resolve("access.log");
        String shared = """
                upstreams:
                  rec: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: rec, match: {path: /**}, upstream: rec}
                """.formatted(recorder.port());
        // No tracing section: w3c is the default.
        w3c = GatewayNode.start(TestConfigs.parse("""
                node: {name: gw-trace, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}, limits: {drain-timeout: 1s}}
                observability:
                  access-log: {format: json, file: "%s"}
                """.formatted(accessLog.toString().replace("\\", "/")) + shared));
        off = GatewayNode.start(TestConfigs.parse("""
                node: {name: gw-trace-off, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}, limits: {drain-timeout: 1s}}
                observability: {access-log: {format: "off"}, tracing: {propagate: "off"}}
                """ + shared));
    }

    @AfterAll
    static void stop() throws Exception {
        for (GatewayNode node : new GatewayNode[] {w3c, off}) {
            if (node != null) {
                node.close();
            }
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    @BeforeEach
    void resetRecorder() {
        recorder.reset();
    }

    @Test
    void validTraceparentContinuesTheTraceWithANewSpanAndKeepsTracestate() {
        String incoming = "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01";

        RecordingUpstream.Recorded seen = sendThrough(w3c, "/continue", "traceparent", incoming, "tracestate", TRACESTATE);

        String traceparent = seen.header("traceparent");
        assertThat(traceparent).matches(VALID_TRACEPARENT);
        assertThat(traceId(traceparent)).isEqualTo(TRACE_ID);
        assertThat(spanId(traceparent)).as("the gateway's own span replaces the client's").isNotEqualTo(CLIENT_SPAN)
                .isNotEqualTo("0000000000000000");
        assertThat(flags(traceparent)).isEqualTo("01");
        assertThat(seen.header("tracestate")).isEqualTo(TRACESTATE);
        assertThat(headerCount(seen, "traceparent")).isEqualTo(1);
    }

    @Test
    void unsampledFlagsAreKept() {
        RecordingUpstream.Recorded seen = sendThrough(w3c, "/unsampled", "traceparent",
                "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-00");

        assertThat(traceId(seen.header("traceparent"))).isEqualTo(TRACE_ID);
        assertThat(flags(seen.header("traceparent"))).as("not sampled stays not sampled").isEqualTo("00");
    }

    @Test
    void eachHopGetsADifferentSpanId() {
        String incoming = "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01";

        String first = spanId(sendThrough(w3c, "/one", "traceparent", incoming).header("traceparent"));
        recorder.reset();
        String second = spanId(sendThrough(w3c, "/two", "traceparent", incoming).header("traceparent"));

        assertThat(first).isNotEqualTo(second);
    }

    @ParameterizedTest(name = "traceparent ''{0}''")
    @ValueSource(strings = {
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero span id
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // forbidden version
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 with more fields
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // trace id one digit short
            "garbage"})
    void invalidTraceparentStartsAFreshTraceAndDropsTracestate(String invalid) {
        RecordingUpstream.Recorded seen = sendThrough(w3c, "/invalid", "traceparent", invalid, "tracestate", TRACESTATE);

        String traceparent = seen.header("traceparent");
        assertThat(traceparent).matches(VALID_TRACEPARENT);
        assertThat(traceId(traceparent)).isNotEqualTo(TRACE_ID).isNotEqualTo("0".repeat(32));
        assertThat(spanId(traceparent)).isNotEqualTo("0".repeat(16));
        assertThat(headerCount(seen, "traceparent")).isEqualTo(1);
        assertThat(seen.header("tracestate")).as("tracestate of another trace is dropped").isNull();
    }

    @Test
    void absentTraceparentStartsAFreshTraceAndDropsTracestate() {
        RecordingUpstream.Recorded seen = sendThrough(w3c, "/absent", "tracestate", TRACESTATE);

        String traceparent = seen.header("traceparent");
        assertThat(traceparent).matches(VALID_TRACEPARENT);
        assertThat(traceId(traceparent)).isNotEqualTo("0".repeat(32));
        assertThat(seen.header("tracestate")).isNull();
    }

    @Test
    void freshTracesDiffer() {
        String first = traceId(sendThrough(w3c, "/fresh-1").header("traceparent"));
        recorder.reset();
        String second = traceId(sendThrough(w3c, "/fresh-2").header("traceparent"));

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void propagateOffPassesTraceHeadersUntouched() {
        String incoming = "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01";

        RecordingUpstream.Recorded seen = sendThrough(off, "/off", "traceparent", incoming, "tracestate", TRACESTATE);

        assertThat(seen.header("traceparent")).isEqualTo(incoming);
        assertThat(seen.header("tracestate")).isEqualTo(TRACESTATE);
    }

    @Test
    void propagateOffPassesEvenAnInvalidTraceparentAndAddsNone() {
        RecordingUpstream.Recorded invalid = sendThrough(off, "/off-invalid", "traceparent", "garbage",
                "tracestate", TRACESTATE);
        assertThat(invalid.header("traceparent")).isEqualTo("garbage");
        assertThat(invalid.header("tracestate")).isEqualTo(TRACESTATE);

        recorder.reset();
        RecordingUpstream.Recorded absent = sendThrough(off, "/off-absent");
        assertThat(absent.header("traceparent")).as("none created").isNull();
    }

    @Test
    void accessLogTraceIdIsTheTraceIdTheUpstreamReceived() {
        RecordingUpstream.Recorded continued = sendThrough(w3c, "/logged-continued", "traceparent",
                "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01");
        RecordingUpstream.Recorded fresh = sendThrough(w3c, "/logged-fresh");

        JsonNode continuedLine = awaitLogLine("/logged-continued");
        JsonNode freshLine = awaitLogLine("/logged-fresh");

        assertThat(continuedLine.get("trace_id").asText()).isEqualTo(TRACE_ID)
                .isEqualTo(traceId(continued.header("traceparent")));
        assertThat(freshLine.get("trace_id").asText()).isEqualTo(traceId(fresh.header("traceparent")));
        // span_id: the gateway's hop, which the upstream sees as its parent
        assertThat(continuedLine.get("span_id").asText()).matches("[0-9a-f]{16}")
                .isEqualTo(continued.header("traceparent").substring(36, 52)).isNotEqualTo(CLIENT_SPAN);
        assertThat(freshLine.get("span_id").asText()).isEqualTo(fresh.header("traceparent").substring(36, 52));
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** GET through {@code node} with header name/value pairs; returns what the upstream received. */
    private static RecordingUpstream.Recorded sendThrough(GatewayNode node, String path, String... headers) {
        assertThat(HTTP.get(node.proxyPort(), path, headers).statusCode()).isEqualTo(200);
        List<RecordingUpstream.Recorded> seen = recorder.requests().stream().filter(r -> r.target().equals(path)).toList();
        assertThat(seen).hasSize(1);
        return seen.get(0);
    }

    private static long headerCount(RecordingUpstream.Recorded seen, String name) {
        return seen.headerNames().stream().filter(name::equalsIgnoreCase).count();
    }

    private static String traceId(String traceparent) {
        return traceparent.split("-")[1];
    }

    private static String spanId(String traceparent) {
        return traceparent.split("-")[2];
    }

    private static String flags(String traceparent) {
        return traceparent.split("-")[3];
    }

    private static JsonNode awaitLogLine(String path) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            for (String line : logLines()) {
                JsonNode json = JsonErrors.parse(line);
                if (json.get("path").asText().equals(path)) {
                    found[0] = json;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static List<String> logLines() {
        try {
            if (Files.notExists(accessLog)) {
                return List.of();
            }
            String text = Files.readString(accessLog, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
