package dev.gateway.node.aggregate;

import static dev.gateway.node.support.ScriptedUpstream.Step.pause;
import static dev.gateway.node.support.ScriptedUpstream.Step.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.ScriptedUpstream;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A part's timeout covers its body too: a part whose body keeps streaming past the timeout (a byte now and then,
 * so the upstream is never silent for long) fails as timed out, and its upstream connection is closed then, not
 * left streaming into a pool slot nobody reads.
 */
class AggregateStreamingPartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SimpleHttp HTTP = new SimpleHttp();

    private static ScriptedUpstream upstream;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        upstream = ScriptedUpstream.start()
                .answer("/user", write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
                        + "{\"id\":\"u\"}\n"))
                .stallAfter("/endless-required", endless())
                .stallAfter("/endless-optional", endless());
        node = GatewayNode.start(TestConfigs.withDefaults("""
                upstreams:
                  parts: {targets: ["http://127.0.0.1:%1$d"], timeouts: {response: 5s}}
                routes:
                  - id: required
                    match: {path: /bff/required, methods: [GET]}
                    aggregate:
                      user: {upstream: parts, path: /user}
                      slow: {upstream: parts, path: /endless-required, timeout: 400ms}
                  - id: optional
                    match: {path: /bff/optional, methods: [GET]}
                    aggregate:
                      user: {upstream: parts, path: /user}
                      slow: {upstream: parts, path: /endless-optional, timeout: 400ms, optional: true}
                """.formatted(upstream.port())));
    }

    /** A JSON body that never ends: a space every 100 ms after the head, for longer than any test waits. */
    private static ScriptedUpstream.Step[] endless() {
        List<ScriptedUpstream.Step> steps = new ArrayList<>();
        steps.add(write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{\"a\":"));
        for (int i = 0; i < 100; i++) {
            steps.add(write(" "));
            steps.add(pause(100));
        }
        return steps.toArray(ScriptedUpstream.Step[]::new);
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aRequiredPartStillStreamingAtItsTimeoutIs504AndItsConnectionIsClosed() throws Exception {
        int closedBefore = upstream.connectionsClosedByPeer();
        long start = System.nanoTime();

        HttpResponse<String> response = HTTP.get(node.proxyPort(), "/bff/required");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
        assertThat(JSON.readTree(response.body()).get("error").asText())
                .isEqualTo("aggregate part 'slow' failed: timed out");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(300L, 3000L);
        await().atMost(Duration.ofSeconds(2)).until(() -> upstream.connectionsClosedByPeer() > closedBefore);
    }

    @Test
    void anOptionalPartStillStreamingAtItsTimeoutIsNullWithAWarningAndItsConnectionIsClosed() throws Exception {
        int closedBefore = upstream.connectionsClosedByPeer();

        HttpResponse<String> response = HTTP.get(node.proxyPort(), "/bff/optional");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("slow").isNull()).isTrue();
        assertThat(body.at("/user/id").asText()).isEqualTo("u");
        assertThat(response.headers().firstValue("X-Aggregate-Warning")).hasValue("slow: timed out");
        await().atMost(Duration.ofSeconds(2)).until(() -> upstream.connectionsClosedByPeer() > closedBefore);
    }
}
