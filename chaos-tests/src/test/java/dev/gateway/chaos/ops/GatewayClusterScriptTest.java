package dev.gateway.chaos.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gateway.chaos.support.GatewayJar;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's script {@code ./gateway-cluster} as a user runs it: {@code up}, traffic through its HAProxy,
 * {@code kill}/{@code start}/{@code stop}/{@code cont} of one node, {@code down}, and a failed {@code up} that
 * must stop what it started. Each run has its own state folder ({@code GATEWAY_CLUSTER_STATE}), so a
 * developer's own cluster is untouched. Needs haproxy and curl: skips without them, fails under
 * {@code -Dchaos.required=true}.
 */
class GatewayClusterScriptTest {
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(150);

    @TempDir
    Path state;

    private final List<Path> stateDirs = new ArrayList<>();

    @BeforeEach
    void needsTools() {
        for (String tool : List.of("haproxy", "curl")) {
            boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                    .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
            if (!found && Boolean.getBoolean("chaos.required")) {
                fail(tool + " is not installed (and -Dchaos.required=true: the gateway-cluster script test must run)");
            }
            assumeTrue(found, tool + " is not installed: skipping the gateway-cluster script test");
        }
        GatewayJar.path(); // the script runs this jar; fail with the build command when it is missing
    }

    @AfterEach
    void downWhateverIsLeft() throws Exception {
        for (Path dir : stateDirs) {
            run(dir, Map.of(), "down");
        }
    }

    @Test
    void upKillStartPauseResumeDown() throws Exception {
        Path dir = stateDir("cluster");
        Result up = run(dir, Map.of(), "up", "2");
        assertThat(up.exit).as("up: %s", up.output).isZero();
        int proxyPort = Integer.parseInt(portsValue(dir, "PROXY_PORT"));
        // read as lines: a /proc file reports size 0, and Files.readString trusts the size
        int ephemeralLow = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                .get(0).trim().split("\\s+")[0]);
        assertThat(proxyPort).as("ports are taken below the ephemeral range").isLessThan(ephemeralLow);
        assertThat(Files.readString(dir.resolve("gateway.yaml")))
                .as("a cluster name of its own per state folder").containsPattern("name: local-[0-9a-f]{8}");
        assertThat(get(proxyPort)).isEqualTo(200);

        long killed = pid(dir, "gw-2");
        Result kill = run(dir, Map.of(), "kill", "gw-2");
        assertThat(kill.exit).as("kill: %s", kill.output).isZero();
        assertThat(waitGone(killed)).as("gw-2 (pid %d) is gone after kill", killed).isTrue();
        Result again = run(dir, Map.of(), "kill", "2");
        assertThat(again.exit).isNotZero();
        assertThat(again.output).contains("gw-2 is not running");

        Result start = run(dir, Map.of(), "start", "2");
        assertThat(start.exit).as("start: %s", start.output).isZero();
        assertThat(start.output).contains("gw-2 ready");
        assertThat(pid(dir, "gw-2")).isNotEqualTo(killed);
        assertThat(run(dir, Map.of(), "start", "gw-2").output).contains("already running");

        long paused = pid(dir, "gw-1");
        assertThat(run(dir, Map.of(), "stop", "gw-1").exit).isZero();
        // SIGSTOP reaches every thread of the JVM in turn: /proc shows the group leader stopped a moment later
        await("gw-1 is stopped").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> processState(paused).equals("T"));
        assertThat(run(dir, Map.of(), "cont", "gw-1").exit).isZero();
        await("gw-1 runs again").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> !processState(paused).equals("T"));

        Result bad = run(dir, Map.of(), "kill", "gw-7");
        assertThat(bad.exit).isNotZero();
        assertThat(bad.output).contains("no node 'gw-7'");

        List<Long> pids = allPids(dir);
        Result down = run(dir, Map.of(), "down");
        assertThat(down.exit).as("down: %s", down.output).isZero();
        for (long pid : pids) {
            assertThat(waitGone(pid)).as("pid %d stopped by down", pid).isTrue();
        }
    }

    @Test
    void aFailedUpStopsWhatItStarted() throws Exception {
        Path dir = stateDir("failing");
        // one second is too short for any node to become ready: 'up' fails after starting everything
        Result up = run(dir, Map.of("GATEWAY_CLUSTER_READY_TIMEOUT", "1"), "up", "2");
        assertThat(up.exit).as("up: %s", up.output).isNotZero();
        assertThat(up.output).contains("not every node ready").contains("'up' failed: stopping what it started");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no pid file and no ports file left").noneMatch(n -> n.endsWith(".pid") || n.equals("ports"));
        }
        for (String line : up.output.split("\n")) {
            // every process 'up' reported starting was stopped: the log names them with their pid
            if (line.contains("stopping ") && line.contains("(pid ")) {
                long pid = Long.parseLong(line.replaceAll(".*\\(pid (\\d+)\\).*", "$1"));
                assertThat(waitGone(pid)).as("pid %d stopped after the failed up", pid).isTrue();
            }
        }
        assertThat(up.output).contains("stopping gw-1").contains("stopping gw-2").contains("stopping haproxy");
    }

    private Path stateDir(String name) throws IOException {
        Path dir = Files.createDirectories(state.resolve(name));
        stateDirs.add(dir);
        return dir;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path stateDir, Map<String, String> env, String... args) throws Exception {
        Path script = GatewayJar.moduleDir().getParent().resolve("gateway-cluster");
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("GATEWAY_CLUSTER_STATE", stateDir.toString());
        builder.environment().putAll(env);
        Path log = Files.createTempFile("gateway-cluster", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("./gateway-cluster " + String.join(" ", args) + " did not finish within " + COMMAND_LIMIT
                    + ":\n" + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Result(process.exitValue(), output);
    }

    private static String portsValue(Path dir, String key) throws IOException {
        return Files.readAllLines(dir.resolve("ports")).stream()
                .filter(l -> l.startsWith(key + "="))
                .map(l -> l.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + key + " in ports"));
    }

    private static long pid(Path dir, String name) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve(name + ".pid")).trim());
    }

    private static List<Long> allPids(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".pid")).map(p -> {
                try {
                    return Long.parseLong(Files.readString(p).trim());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    /** The state letter from /proc (R, S, T for stopped, Z...), or "gone". */
    private static String processState(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return "gone";
        }
        Optional<String> line = Files.readAllLines(status).stream().filter(l -> l.startsWith("State:")).findFirst();
        return line.map(l -> l.substring("State:".length()).trim().substring(0, 1)).orElse("?");
    }

    /** Whether {@code pid} is gone (or a zombie) within 20 s. */
    private static boolean waitGone(long pid) {
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                Optional<ProcessHandle> handle = ProcessHandle.of(pid);
                return handle.isEmpty() || !handle.get().isAlive() || processState(pid).equals("Z");
            });
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static int get(int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                .timeout(Duration.ofSeconds(5)).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
