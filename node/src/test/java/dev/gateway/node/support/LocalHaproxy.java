package dev.gateway.node.support;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

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

/**
 * A real HAProxy in TCP mode on a loopback port, in front of one node, as the shipped configs run it: started from
 * a config written into a test's directory, ready once its port accepts, stopped (SIGTERM to its PID, then
 * SIGKILL) on close. Tests that need it call {@link #executableOrSkip(String)} first: without {@code haproxy} on
 * the PATH the test is skipped with a message, or fails under {@code -Dchaos.required=true} (CI).
 */
public final class LocalHaproxy implements AutoCloseable {
    private final Process process;
    private final int port;

    private LocalHaproxy(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code executable} with one frontend on a free loopback port and one backend server,
     * {@code 127.0.0.1:backendPort} followed by {@code serverOptions} (e.g. {@code send-proxy-v2}); {@code
     * extraDefaults} are more lines for the {@code defaults} section (e.g. {@code timeout tunnel 1h}), or empty.
     */
    public static LocalHaproxy start(String executable, Path dir, int backendPort, String serverOptions,
                                     String extraDefaults) throws IOException {
        int port = TestConfigs.closedPort();
        Path config = Files.writeString(dir.resolve("haproxy.cfg"), """
                global
                    maxconn 256
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                %s
                frontend gateway
                    bind 127.0.0.1:%d
                    default_backend gateway_nodes
                backend gateway_nodes
                    server gw-1 127.0.0.1:%d %s
                """.formatted(extraDefaults.isBlank() ? "" : "    " + extraDefaults.strip(), port, backendPort,
                serverOptions));
        Path log = dir.resolve("haproxy.log");
        Process process = new ProcessBuilder(executable, "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalHaproxy haproxy = new LocalHaproxy(process, port);
        try {
            haproxy.awaitListening(log);
        } catch (RuntimeException | Error e) {
            haproxy.close();
            throw e;
        }
        return haproxy;
    }

    /** The frontend's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    private void awaitListening(Path log) {
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

    @Override
    public void close() {
        process.destroy(); // SIGTERM to its PID
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The haproxy executable on the PATH; skips the calling test without it, saying that {@code what} cannot run
     * (fails instead under {@code -Dchaos.required=true}).
     */
    public static String executableOrSkip(String what) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d.isEmpty() ? "." : d, "haproxy");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String message = "haproxy is not on the PATH (apt-get install haproxy): " + what + " cannot run";
        if (Boolean.getBoolean("chaos.required")) {
            fail(message + ", and -Dchaos.required=true");
        }
        Assumptions.abort(message);
        return null;
    }
}
