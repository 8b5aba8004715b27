package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through a real HAProxy in TCP mode with {@code send-proxy-v2}, as the shipped configs run it:
 * two clients bound to 127.0.0.2 and 127.0.0.3 reach the node from HAProxy's 127.0.0.1, yet get
 * an {@code ip} bucket each (1 per minute: each its own 200, then 429) and the upstream sees each
 * address. Skipped when {@code haproxy} is not on the PATH, unless {@code -Dchaos.required=true}.
 */
class HaproxyProxyProtocolTest {
    @TempDir
    Path dir;

    @Test
    void twoClientsBehindHaproxyGetTheirOwnBucketsAndAddresses() throws Exception {
        String haproxy = haproxyOrSkip();
        try (RecordingUpstream recorder = RecordingUpstream.start();
             GatewayNode node = GatewayNode.start(TestConfigs.parse("""
                     node:
                       name: gw-behind-haproxy
                       listen: 127.0.0.1:0
                       admin: {listen: 127.0.0.1:0}
                       limits: {drain-timeout: 1s}
                       client-address: {proxy-protocol: true, trusted: [127.0.0.1/32]}
                     """ + TestConfigs.OBSERVABILITY + """
                     upstreams:
                       rec: {targets: ["http://127.0.0.1:%d"]}
                     rate-limits:
                       per-ip: {limit: 1, per: 1m, key: ip}
                     routes:
                       - {id: limited, match: {path: /limited/**}, upstream: rec, rate-limits: [per-ip]}
                     """.formatted(recorder.port())))) {
            int port = TestConfigs.closedPort();
            Path config = Files.writeString(dir.resolve("haproxy.cfg"), """
                    global
                        maxconn 256
                    defaults
                        mode tcp
                        timeout connect 2s
                        timeout client 10s
                        timeout server 10s
                    frontend gateway
                        bind 127.0.0.1:%d
                        default_backend gateway_nodes
                    backend gateway_nodes
                        server gw-1 127.0.0.1:%d send-proxy-v2 on-marked-down shutdown-sessions
                    """.formatted(port, node.proxyPort()));
            Path log = dir.resolve("haproxy.log");
            Process process = new ProcessBuilder(haproxy, "-db", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                awaitListening(process, port, log);

                assertThat(get("127.0.0.2", port, "/limited/two-1")).isEqualTo(200);
                assertThat(get("127.0.0.3", port, "/limited/three-1")).as("its own bucket").isEqualTo(200);
                assertThat(get("127.0.0.2", port, "/limited/two-2")).isEqualTo(429);
                assertThat(get("127.0.0.3", port, "/limited/three-2")).isEqualTo(429);

                assertThat(recorder.requests()).extracting(RecordingUpstream.Recorded::target)
                        .containsExactlyInAnyOrder("/limited/two-1", "/limited/three-1");
                assertThat(forwardedFor(recorder, "/limited/two-1")).isEqualTo("127.0.0.2");
                assertThat(forwardedFor(recorder, "/limited/three-1")).isEqualTo("127.0.0.3");
            } finally {
                process.destroy(); // SIGTERM to its PID
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static int get(String from, int port, String path) throws IOException {
        try (RawHttp http = RawHttp.connectFrom(from, port)) {
            return http.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status();
        }
    }

    private static String forwardedFor(RecordingUpstream recorder, String target) {
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.requests().stream().anyMatch(r -> r.target().equals(target)));
        return recorder.requests().stream().filter(r -> r.target().equals(target)).findFirst().orElseThrow()
                .header("X-Forwarded-For");
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
        String message = "haproxy is not on the PATH (apt-get install haproxy): the test through a real HAProxy cannot run";
        if (Boolean.getBoolean("chaos.required")) {
            fail(message + ", and -Dchaos.required=true");
        }
        Assumptions.abort(message);
        return null;
    }
}
