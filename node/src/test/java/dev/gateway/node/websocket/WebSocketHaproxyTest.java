package dev.gateway.node.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.EchoWebSocketServer;
import dev.gateway.node.support.TestConfigs;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
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
        String haproxy = haproxyOrSkip();
        try (EchoWebSocketServer echo = EchoWebSocketServer.start();
             GatewayNode node = GatewayNode.start(TestConfigs.parse("""
                     node: {name: gw-ws-haproxy, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}, limits: {drain-timeout: 1s}}
                     """ + TestConfigs.OBSERVABILITY + """
                     upstreams:
                       echo: {targets: ["http://127.0.0.1:%d"]}
                     routes:
                       - {id: ws, match: {path: /ws/**}, upstream: echo, websocket: {max-message: 64KiB}}
                     """.formatted(echo.port())))) {
            int port = TestConfigs.closedPort();
            Path config = Files.writeString(dir.resolve("haproxy.cfg"), """
                    global
                        maxconn 256
                    defaults
                        mode tcp
                        timeout connect 2s
                        timeout client 10s
                        timeout server 10s
                        timeout tunnel 1h
                    frontend gateway
                        bind 127.0.0.1:%d
                        default_backend gateway_nodes
                    backend gateway_nodes
                        server gw-1 127.0.0.1:%d
                    """.formatted(port, node.proxyPort()));
            Path log = dir.resolve("haproxy.log");
            Process process = new ProcessBuilder(haproxy, "-db", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                awaitListening(process, port, log);
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
            } finally {
                process.destroy(); // SIGTERM to its PID
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static void awaitListening(Process process, int port, Path log) {
        await("haproxy listening on 127.0.0.1:" + port).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive()) {
                        fail("haproxy exited with " + process.exitValue() + ": " + Files.readString(log, StandardCharsets.UTF_8));
                    }
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /** The haproxy executable on the PATH; skips the test without it (fails under -Dchaos.required=true). */
    private static String haproxyOrSkip() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d.isEmpty() ? "." : d, "haproxy");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String message = "haproxy is not on the PATH (apt-get install haproxy): the WebSocket test through HAProxy cannot run";
        if (Boolean.getBoolean("chaos.required")) {
            fail(message + ", and -Dchaos.required=true");
        }
        Assumptions.abort(message);
        return null;
    }
}
