package dev.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line fails fast, with exit status 2 and a line that names the problem. */
class MainTest {
    private static final String VALID_SHARED = """
            observability: {access-log: {format: "off"}, tracing: {propagate: "off"}}
            upstreams:
              u: {targets: ["http://127.0.0.1:9"]}
            routes:
              - {id: r, match: {path: /**}, upstream: u}
            """;

    @TempDir
    Path dir;

    @Test
    void missingConfigFileExits2() {
        Path missing = dir.resolve("missing.yaml");

        Run run = run("--config", missing.toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr()).contains(missing.toString()).contains("no such file");
    }

    @Test
    void configWithAnErrorExits2AndNamesThePath() throws Exception {
        Path config = write("""
                node: {name: gw-test, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}}
                upstreams:
                  u: {targets: ["http://127.0.0.1:9"]}
                routes:
                  - {id: r, match: {path: /**}, upstream: ordrs}
                """);

        Run run = run("--config", config.toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr()).contains(config.toString()).contains("routes[0].upstream").contains("ordrs");
    }

    @Test
    void everyConfigErrorIsReportedOnItsOwnLine() throws Exception {
        Path config = write("""
                node: {name: gw-test, listen: not-a-host-port, admin: {listen: 127.0.0.1:0}}
                upstreams:
                  u: {targets: ["http://127.0.0.1:9"], pool: {max-connections: 0}}
                routes:
                  - {id: r, match: {path: /**}, upstream: u, bogus: 1}
                """);

        Run run = run("--config", config.toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr().lines().filter(l -> l.startsWith(config.toString())).count()).isGreaterThanOrEqualTo(3);
        assertThat(run.stderr()).contains("node.listen").contains("upstreams.u.pool.max-connections")
                .contains("routes[0].bogus");
    }

    @Test
    void proxyPortInUseExits2() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = write("node: {name: gw-test, listen: 127.0.0.1:" + busy.getLocalPort()
                    + ", admin: {listen: 127.0.0.1:0}}\n" + VALID_SHARED);

            Run run = run("--config", config.toString());

            assertThat(run.code()).isEqualTo(2);
            assertThat(run.stderr()).contains("node.listen").contains(String.valueOf(busy.getLocalPort()));
        }
    }

    @Test
    void adminPortInUseExits2() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = write("node: {name: gw-test, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:"
                    + busy.getLocalPort() + "}}\n" + VALID_SHARED);

            Run run = run("--config", config.toString());

            assertThat(run.code()).isEqualTo(2);
            assertThat(run.stderr()).contains("node.admin.listen").contains(String.valueOf(busy.getLocalPort()));
        }
    }

    @Test
    void aConfigThatCannotBeBuiltExits2AndNamesThePath() throws Exception {
        Path config = write("node: {name: gw-test, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}}\n"
                + VALID_SHARED + "  - {id: home, match: {path: /home}, aggregate: {a: {upstream: u, path: \"/x/{path.id}\"}}}\n");

        Run run = run("--config", config.toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr()).contains("routes.home.aggregate.a.path");
    }

    @Test
    void noConfigFlagExits2() {
        Run run = run();

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr()).contains("--config");
    }

    @Test
    void unparsableListenFlagExits2() throws Exception {
        Path config = write("node: {name: gw-test, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}}\n" + VALID_SHARED);

        Run run = run("--config", config.toString(), "--listen", "nonsense");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr()).contains("nonsense");
    }

    private Path write(String yaml) throws Exception {
        Path file = Files.createTempFile(dir, "gateway", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private record Run(int code, String stderr) {
    }

    /** Main.run with System.err captured (Main prints its diagnostics there). */
    private static Run run(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(args);
        } finally {
            System.setErr(original);
        }
        String stderr = captured.toString(StandardCharsets.UTF_8);
        original.print(stderr);
        return new Run(code, stderr);
    }
}
