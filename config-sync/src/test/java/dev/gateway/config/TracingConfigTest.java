package dev.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code observability.tracing}: the OTLP export as the OpenTelemetry issue gives it, read, written, rejected. */
class TracingConfigTest {
    private static final String ISSUE_EXAMPLE = """
            observability:
              tracing:
                propagate: w3c
                export: {otlp: "http://127.0.0.1:4318", sample: 0.1, parent-based: true,
                         batch: {max-queue: 8192, max-export: 512, interval: 1s},
                         resource: {service.name: gateway, deployment.environment: prod}}
            """;

    @Test
    void readsTheIssueExample() throws Exception {
        TraceExport e = ConfigCodec.parseShared(ISSUE_EXAMPLE, v -> null).observability().tracing().export();
        assertThat(e.otlp()).isEqualTo("http://127.0.0.1:4318");
        assertThat(e.tracesUrl()).isEqualTo("http://127.0.0.1:4318/v1/traces");
        assertThat(e.sample()).isEqualTo(0.1);
        assertThat(e.parentBased()).isTrue();
        assertThat(e.batch()).isEqualTo(new TraceBatch(8192, 512, Duration.ofSeconds(1)));
        assertThat(e.resource()).containsExactly(Map.entry("service.name", "gateway"),
                Map.entry("deployment.environment", "prod"));
    }

    @Test
    void defaultsFillWhatIsLeftOut() throws Exception {
        TraceExport e = ConfigCodec.parseShared("observability: {tracing: {export: {otlp: 'https://otel:4318/x/traces'}}}",
                v -> null).observability().tracing().export();
        assertThat(e).isEqualTo(TraceExport.to("https://otel:4318/x/traces"));
        assertThat(e.tracesUrl()).isEqualTo("https://otel:4318/x/traces");
        assertThat(e.sample()).isEqualTo(1.0);
        assertThat(e.batch()).isEqualTo(TraceBatch.defaults());
        assertThat(e.resource()).containsExactly(Map.entry("service.name", "gateway"));
        assertThat(ConfigCodec.parseShared("{}", v -> null).observability().tracing().export()).isNull();
    }

    @Test
    void canonicalFormRoundTrips() throws Exception {
        SharedConfig shared = ConfigCodec.parseShared(ISSUE_EXAMPLE, v -> null);
        String yaml = ConfigCodec.toYaml(shared);
        assertThat(yaml).contains("sample: 0.1").contains("interval: 1s").contains("deployment.environment: prod");
        assertThat(ConfigCodec.parseShared(yaml, v -> null)).isEqualTo(shared);
        assertThat(ConfigCodec.parseShared(ConfigCodec.toJson(shared), v -> null)).isEqualTo(shared);
        SharedConfig zero = ConfigCodec.parseShared(ISSUE_EXAMPLE.replace("sample: 0.1", "sample: 0"), v -> null);
        assertThat(ConfigCodec.parseShared(ConfigCodec.toYaml(zero), v -> null)).isEqualTo(zero);
    }

    @Test
    void grpcIsAProtocolOfItsOwnAndRoundTrips() throws Exception {
        SharedConfig shared = ConfigCodec.parseShared(
                "observability: {tracing: {export: {otlp: 'http://otel:4317', protocol: grpc, sample: 0.5}}}", v -> null);
        TraceExport e = shared.observability().tracing().export();
        assertThat(e.grpc()).isTrue();
        assertThat(e.protocol()).isEqualTo("grpc");
        assertThat(ConfigCodec.toYaml(shared)).contains("protocol: grpc");
        assertThat(ConfigCodec.parseShared(ConfigCodec.toYaml(shared), v -> null)).isEqualTo(shared);
        assertThat(ConfigCodec.parseShared(ConfigCodec.toJson(shared), v -> null)).isEqualTo(shared);

        SharedConfig http = ConfigCodec.parseShared(ISSUE_EXAMPLE, v -> null);
        assertThat(http.observability().tracing().export().protocol()).isEqualTo("http/protobuf");
        assertThat(ConfigCodec.toYaml(http)).as("the default is left out of the canonical form").doesNotContain("protocol");
        assertThat(ConfigCodec.parseShared(ISSUE_EXAMPLE.replace("otlp:", "protocol: http/protobuf, otlp:"), v -> null))
                .isEqualTo(http);
    }

    @Test
    void errorsNameTheirPaths() throws Exception {
        String yaml = """
                observability:
                  tracing:
                    export: {otlp: "ftp://x", sample: 1.5, parent-based: maybe, color: red,
                             batch: {max-queue: 0, interval: soon}}
                """;
        assertThat(errors(yaml)).containsExactly(
                "observability.tracing.export.color: unknown key (expected one of: otlp, protocol, sample, parent-based, batch, resource)",
                "observability.tracing.export.sample: '1.5' is not a fraction (expected: 0 .. 1, e.g. 0.1)",
                "observability.tracing.export.parent-based: 'maybe' (expected: true or false)",
                "observability.tracing.export.batch.interval: 'soon' is not a duration (expected: e.g. 250ms, 2s, 1m, 1h, 1d)");
        assertThat(errors("observability: {tracing: {export: {otlp: 'ftp://x'}}}")).containsExactly(
                "observability.tracing.export.otlp: 'ftp://x' (expected: an http:// or https:// URL with a host, e.g. http://127.0.0.1:4318)");
        assertThat(errors("observability: {tracing: {export: {otlp: 'http://h:4317', protocol: http/json}}}"))
                .containsExactly("observability.tracing.export.protocol: 'http/json' (expected: http/protobuf or grpc)");
        assertThat(errors("observability: {tracing: {export: {otlp: 'http://h:4317/v1/traces', protocol: grpc}}}"))
                .containsExactly("observability.tracing.export.otlp: 'http://h:4317/v1/traces' (expected: a URL without a"
                        + " path for protocol: grpc, e.g. http://127.0.0.1:4317)");
        assertThat(errors("observability: {tracing: {export: {sample: 0.5}}}")).containsExactly(
                "observability.tracing.export.otlp: is required");
        assertThat(errors("observability: {tracing: {export: {otlp: 'http://h:4318', batch: {max-queue: 10, max-export: 11}}}}"))
                .containsExactly("observability.tracing.export.batch.max-export: 11 (expected: 1 .. max-queue (10))");
        assertThat(errors("observability: {tracing: {export: {otlp: 'http://h:4318', batch: {max-queue: 0}}}}"))
                .containsExactly("observability.tracing.export.batch.max-queue: 0 (expected: >= 1)");
        assertThat(errors("observability: {tracing: {propagate: 'off', export: {otlp: 'http://h:4318'}}}"))
                .containsExactly("observability.tracing.export: 'otlp with propagate: off' (expected: propagate: w3c)");
        assertThat(errors("observability: {tracing: {export: {otlp: 'http://h:4318', resource: [a]}}}"))
                .containsExactly("observability.tracing.export.resource: a list (expected: an object)");
    }

    private static List<String> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigCodec.parseShared(yaml, v -> null));
        assertThat(e).as("expected a ConfigException for:\n%s", yaml).isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }
}
