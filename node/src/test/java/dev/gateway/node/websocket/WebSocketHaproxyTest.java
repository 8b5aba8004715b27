package dev.gateway.node.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.EchoWebSocketServer;
import dev.gateway.node.support.LocalHaproxy;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSocket through a real HAProxy in TCP mode in front of the node, as the shipped configs run it. Skipped when
 * {@code haproxy} is not on the PATH, unless {@code -Dchaos.required=true}.
 */
class WebSocketHaproxyTest {
    @TempDir
    Path dir;

    @Test
    void echoAndCloseThroughHaproxyInTcpMode() throws Exception {
        String executable = LocalHaproxy.executableOrSkip("the WebSocket test through HAProxy");
        try (EchoWebSocketServer echo = EchoWebSocketServer.start();
             GatewayNode node = GatewayNode.start(TestConfigs.parse("""
                     node: {name: gw-ws-haproxy, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}, limits: {drain-timeout: 1s}}
                     """ + TestConfigs.OBSERVABILITY + """
                     upstreams:
                       echo: {targets: ["http://127.0.0.1:%d"]}
                     routes:
                       - {id: ws, match: {path: /ws/**}, upstream: echo, websocket: {max-message: 64KiB}}
                     """.formatted(echo.port())))) {
            try (LocalHaproxy haproxy = LocalHaproxy.start(executable, dir, node.proxyPort(), "",
                    "timeout tunnel 1h")) {
                int port = haproxy.port();
                RecordingListener listener = new RecordingListener();
                WebSocket ws = WebSocketProxyTest.open(HttpClient.newHttpClient(),
                        URI.create("ws://127.0.0.1:" + port + "/ws/through-haproxy"), listener);

                ws.sendText("via haproxy", true).join();
                ws.sendBinary(ByteBuffer.wrap(new byte[65_536]), true).join();
                await().atMost(Duration.ofSeconds(10)).until(() -> listener.texts().contains("via haproxy")
                        && listener.binaries().size() == 1);
                ws.sendBinary(ByteBuffer.wrap(new byte[65_537]), true);
                await().atMost(Duration.ofSeconds(10)).until(() -> listener.closeCode() == 1009);
                assertThat(listener.binaries()).hasSize(1);
            }
        }
    }
}
