package dev.gateway.node.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.EchoWebSocketServer;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** wss:// on the TLS listener: the tunnel runs under the listener's TLS like plain ws://. */
class WebSocketTlsTest {

    @Test
    void echoAndMaxMessageOverTls() throws Exception {
        try (EchoWebSocketServer echo = EchoWebSocketServer.start()) {
            int tlsPort = TestConfigs.closedPort();
            GatewayNode node = GatewayNode.start(TestConfigs.parse("""
                    node:
                      name: gw-wss
                      listen: 127.0.0.1:0
                      admin: {listen: 127.0.0.1:0}
                      limits: {drain-timeout: 1s}
                      tls:
                        listen: 127.0.0.1:%d
                        certificates:%s
                    """.formatted(tlsPort, TlsListenerIntegrationTest.certificates("api")) + TestConfigs.OBSERVABILITY + """
                    upstreams:
                      echo: {targets: ["http://127.0.0.1:%d"]}
                    routes:
                      - {id: ws, match: {path: /ws/**}, upstream: echo, websocket: {max-message: 128KiB}}
                    """.formatted(echo.port())));
            try {
                List<Object> received = new CopyOnWriteArrayList<>();
                int[] closeCode = {-1};
                WebSocket ws = HttpClient.newBuilder().sslContext(TestPki.shared().clientContext()).build()
                        .newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + tlsPort + "/ws/secure"),
                                new WebSocket.Listener() {
                                    private final StringBuilder text = new StringBuilder();

                                    @Override
                                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                        text.append(data);
                                        if (last) {
                                            received.add(text.toString());
                                            text.setLength(0);
                                        }
                                        w.request(1);
                                        return null;
                                    }

                                    @Override
                                    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                                        closeCode[0] = code;
                                        return null;
                                    }
                                }).get(10, TimeUnit.SECONDS);

                ws.sendText("over tls", true).join();
                await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("over tls"));
                ws.sendBinary(ByteBuffer.allocate(128 * 1024 + 1), true);
                await().atMost(Duration.ofSeconds(10)).until(() -> closeCode[0] == 1009);
                await().atMost(Duration.ofSeconds(10)).until(() -> echo.closesReceived().contains(1009));
                assertThat(received).containsExactly("over tls");
            } finally {
                node.close();
            }
        }
    }
}
