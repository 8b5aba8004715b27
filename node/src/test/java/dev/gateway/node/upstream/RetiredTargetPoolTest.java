package dev.gateway.node.upstream;

import static dev.gateway.node.support.ScriptedUpstream.Step.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.ScriptedUpstream;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import dev.gateway.node.sync.PublishResult;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** After a reload, the pooled connections of a target that left the config are closed, not kept until idle-timeout. */
class RetiredTargetPoolTest {
    private static final SimpleHttp HTTP = new SimpleHttp();
    private ScriptedUpstream old;
    private ScriptedUpstream kept;
    private GatewayNode node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        for (ScriptedUpstream u : new ScriptedUpstream[] {old, kept}) {
            if (u != null) {
                u.close();
            }
        }
    }

    @Test
    void theIdleConnectionsOfATargetRemovedByAReloadAreClosed() throws Exception {
        old = ScriptedUpstream.start().answer("/x", write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nold"));
        kept = ScriptedUpstream.start().answer("/x", write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nkept"));
        String routes = """
                routes:
                  - {id: x, match: {path: /x}, upstream: svc}
                """;
        node = GatewayNode.start(TestConfigs.withDefaults("""
                upstreams:
                  svc: {targets: ["http://127.0.0.1:%d"], pool: {idle-timeout: 1h}}
                """.formatted(old.port()) + routes));
        assertThat(HTTP.get(node.proxyPort(), "/x").body()).isEqualTo("old");
        assertThat(old.connectionsClosedByPeer()).isZero();

        PublishResult result = node.configSync().publish(TestConfigs.withDefaults("""
                upstreams:
                  svc: {targets: ["http://127.0.0.1:%d"], pool: {idle-timeout: 1h}}
                """.formatted(kept.port()) + routes).shared(), "test");

        assertThat(result.outcome()).isEqualTo(PublishResult.Outcome.PUBLISHED);
        assertThat(HTTP.get(node.proxyPort(), "/x").body()).isEqualTo("kept");
        await().atMost(Duration.ofSeconds(5)).until(() -> old.connectionsClosedByPeer() == 1);
        assertThat(kept.connectionsClosedByPeer()).as("the target still in the config keeps its pool").isZero();
    }
}
