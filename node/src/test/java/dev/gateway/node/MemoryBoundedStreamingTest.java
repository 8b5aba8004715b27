package dev.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.TestConfigs;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with a 64 MB heap proxies a 200 MB download to a client that at first reads nothing:
 * back-pressure holds the upstream back instead of buffering the body in the gateway.
 */
class MemoryBoundedStreamingTest {
    private static final long SIZE = 200L * 1024 * 1024;
    private static final Pattern LISTENING = Pattern.compile("proxying on http://[^:]+:(\\d+), admin on http://[^:]+:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void twoHundredMegabytesThroughA64MegabyteHeap() throws Exception {
        try (DemoUpstream upstream = DemoUpstream.start("127.0.0.1", 0, "big")) {
            Path config = dir.resolve("gateway.yaml");
            Files.writeString(config, TestConfigs.NODE + TestConfigs.OBSERVABILITY + """
                    upstreams:
                      big: {targets: ["http://127.0.0.1:%d"]}
                    routes:
                      - {id: big, match: {path: /**}, upstream: big}
                    """.formatted(upstream.port()));
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                    "-cp", System.getProperty("java.class.path"),
                    "dev.gateway.node.Main", "--config", config.toString())
                    .redirectErrorStream(true)
                    .start();
            List<String> output = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<int[]> ports = new CompletableFuture<>();
            Thread reader = new Thread(() -> readOutput(child.getInputStream(), output, ports), "child-output");
            reader.setDaemon(true);
            reader.start();
            try {
                int[] listening = ports.get(30, TimeUnit.SECONDS);
                long received = download(child, listening[0]);

                assertThat(received).as("bytes received; child output: %s", output).isEqualTo(SIZE);
                assertThat(child.isAlive()).as("child alive; output: %s", output).isTrue();
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<String> live = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + listening[1] + "/health/live")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(live.statusCode()).isEqualTo(200);
            } finally {
                child.destroy();
                if (!child.waitFor(10, TimeUnit.SECONDS)) {
                    child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Reads nothing for two seconds (the child must stay alive meanwhile), then everything, counting bytes. */
    private static long download(Process child, int port) throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(("GET /stream?bytes=" + SIZE + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));

            await("a client that reads nothing").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .pollInterval(Duration.ofMillis(100)).until(child::isAlive);

            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n") && head.length() < 16 * 1024) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("connection closed before the response head: " + head);
                }
                head.append((char) b);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 200");
            long received = 0;
            byte[] buf = new byte[256 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0 && received <= SIZE) {
                received += n;
            }
            return received;
        }
    }

    private static void readOutput(InputStream in, List<String> output, CompletableFuture<int[]> ports) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    ports.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
                }
            }
            ports.completeExceptionally(new AssertionError("child exited before listening: " + output));
        } catch (Exception e) {
            ports.completeExceptionally(e);
        }
    }
}
