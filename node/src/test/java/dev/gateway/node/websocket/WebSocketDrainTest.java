package dev.gateway.node.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.EchoWebSocketServer;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A node that stops sends every open WebSocket close 1001, on both sides, within its drain timeout. */
class WebSocketDrainTest {

    @Test
    void aStoppingNodeSendsGoingAwayToBothSidesWithinTheDrainTimeout() throws Exception {
        try (EchoWebSocketServer echo = EchoWebSocketServer.start()) {
            GatewayNode node = GatewayNode.start(TestConfigs.parse("""
                    node: {name: gw-drain, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}, limits: {drain-timeout: 5s}}
                    """ + TestConfigs.OBSERVABILITY + """
                    upstreams:
                      echo: {targets: ["http://127.0.0.1:%d"]}
                    routes:
                      - {id: ws, match: {path: /ws/**}, upstream: echo, websocket: {}}
                    """.formatted(echo.port())));
            RecordingListener first = new RecordingListener();
            RecordingListener second = new RecordingListener();
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("ws://127.0.0.1:" + node.proxyPort() + "/ws/drain");
            WebSocket a = WebSocketProxyTest.open(http, uri, first);
            WebSocket b = WebSocketProxyTest.open(http, uri, second);
            a.sendText("before", true).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> first.texts().contains("before"));

            long start = System.nanoTime();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(node::close);

            await().atMost(Duration.ofSeconds(5)).until(() -> first.closeCode() == 1001 && second.closeCode() == 1001);
            await().atMost(Duration.ofSeconds(5)).until(() -> echo.closesReceived().size() == 2);
            assertThat(echo.closesReceived()).containsExactly(1001, 1001);
            stopped.get(10, java.util.concurrent.TimeUnit.SECONDS);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("node with 2 open WebSockets stopped in " + tookMillis + " ms (drain-timeout 5s)");
            assertThat(tookMillis).as("the drain does not wait its whole timeout for open tunnels").isLessThan(5_000);
            assertThat(b.isInputClosed()).isTrue();
        }
    }
}
