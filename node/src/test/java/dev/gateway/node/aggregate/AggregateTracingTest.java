package dev.gateway.node.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.OtlpReceiver;
import dev.gateway.node.support.OtlpReceiver.ReceivedSpan;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An aggregate route under {@code observability.tracing.export}: each part is a client span of its own. */
class AggregateTracingTest {
    private static final SimpleHttp HTTP = new SimpleHttp();
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private OtlpReceiver receiver;
    private PartUpstream users;
    private PartUpstream recs;
    private GatewayNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        users.close();
        recs.close();
        receiver.close();
    }

    @Test
    void eachPartIsAClientSpanUnderTheRequestWithItsTargetAndStatus() throws Exception {
        receiver = OtlpReceiver.start();
        users = new PartUpstream("users", 200, 0);
        recs = new PartUpstream("recs", 500, 0);
        node = GatewayNode.start(TestConfigs.parse("""
                node: {name: gw-agg, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}}
                observability:
                  access-log: {format: "off"}
                  tracing:
                    export: {otlp: "%s", sample: 1, batch: {interval: 50ms}}
                upstreams:
                  users: {targets: ["http://127.0.0.1:%d"]}
                  recs: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - id: home
                    match: {path: /bff/home, methods: [GET]}
                    aggregate:
                      user: {upstream: users, path: /users/1}
                      recs: {upstream: recs, path: /recommendations, optional: true}
                """.formatted(receiver.endpoint(), users.port(), recs.port())));

        HttpResponse<String> response = HTTP.get(node.proxyPort(), "/bff/home",
                "traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.trace(TRACE_ID).size() >= 3);
        List<ReceivedSpan> trace = receiver.trace(TRACE_ID);
        ReceivedSpan server = trace.stream().filter(s -> s.kind().equals("SERVER")).findFirst().orElseThrow();
        List<ReceivedSpan> parts = trace.stream().filter(s -> s.kind().equals("CLIENT")).toList();
        assertThat(parts).as("%s", trace).hasSize(2)
                .allSatisfy(p -> assertThat(p.parentSpanId()).isEqualTo(server.spanId()));

        ReceivedSpan user = part(parts, "user");
        assertThat(user.name()).isEqualTo("GET users");
        assertThat(user.attributes()).containsEntry("gateway.upstream", "users")
                .containsEntry("gateway.upstream.target", "127.0.0.1:" + users.port())
                .containsEntry("http.response.status_code", "200");
        assertThat(user.statusCode()).isNotEqualTo("ERROR");
        assertThat(users.lastTraceparent()).as("the part's upstream hangs under the part's span")
                .isEqualTo("00-" + TRACE_ID + "-" + user.spanId() + "-01");

        ReceivedSpan rec = part(parts, "recs");
        assertThat(rec.attributes()).containsEntry("gateway.upstream.target", "127.0.0.1:" + recs.port())
                .containsEntry("http.response.status_code", "500").containsEntry("error.type", "500");
        assertThat(rec.statusCode()).isEqualTo("ERROR");
        assertThat(recs.lastTraceparent()).isEqualTo("00-" + TRACE_ID + "-" + rec.spanId() + "-01");
    }

    private static ReceivedSpan part(List<ReceivedSpan> parts, String name) {
        return parts.stream().filter(p -> name.equals(p.attr("gateway.aggregate.part"))).findFirst()
                .orElseThrow(() -> new AssertionError("no span of part " + name + " in " + parts));
    }
}
