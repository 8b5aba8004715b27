package dev.gateway.node.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.OtlpReceiver;
import dev.gateway.node.support.OtlpReceiver.ReceivedSpan;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code observability.tracing.export.protocol: grpc}: a real node sends its spans over OTLP/gRPC to a grpc-java
 * receiver on loopback ({@code TraceService/Export}, decoded with the OpenTelemetry proto classes); a collector that
 * is not there loses spans, never requests.
 */
class TracingGrpcExportTest {
    private static final SimpleHttp HTTP = new SimpleHttp();
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private OtlpReceiver receiver;
    private TracingExportTest.FlakyUpstream upstream;
    private GatewayNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void aRequestsTraceArrivesOverGrpc() throws Exception {
        receiver = OtlpReceiver.startGrpc();
        upstream = TracingExportTest.FlakyUpstream.start();
        node = GatewayNode.start(TestConfigs.parse(config(receiver.endpoint())));

        assertThat(HTTP.get(node.proxyPort(), "/flaky/grpc",
                "traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.trace(TRACE_ID).stream()
                .anyMatch(s -> s.kind().equals("SERVER")));
        List<ReceivedSpan> trace = receiver.trace(TRACE_ID);
        assertThat(trace).filteredOn(s -> s.kind().equals("SERVER")).singleElement().satisfies(server -> {
            assertThat(server.name()).isEqualTo("GET orders");
            assertThat(server.resource()).containsEntry("service.instance.id", "gw-grpc");
        });
        assertThat(trace).filteredOn(s -> s.kind().equals("CLIENT")).as("the first attempt and its retry").hasSize(2);
    }

    @Test
    void aGrpcCollectorThatIsNotThereLosesSpansNeverRequests() throws Exception {
        upstream = TracingExportTest.FlakyUpstream.start();
        node = GatewayNode.start(TestConfigs.parse(config("http://127.0.0.1:" + TestConfigs.closedPort())));

        for (int i = 0; i < 50; i++) {
            assertThat(HTTP.get(node.proxyPort(), "/steady/" + i).statusCode()).isEqualTo(200);
        }
    }

    private String config(String otlp) {
        return """
                node: {name: gw-grpc, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}}
                observability:
                  access-log: {format: "off"}
                  tracing:
                    export: {otlp: "%s", protocol: grpc, sample: 1, batch: {interval: 50ms}}
                upstreams:
                  up:
                    targets: ["http://127.0.0.1:%d"]
                    retries: {attempts: 1, on: [503], budget: 100%%, backoff: {initial: 1ms, max: 2ms}}
                routes:
                  - {id: orders, match: {path: /**}, upstream: up}
                """.formatted(otlp, upstream.port());
    }
}
