package dev.gateway.node.member;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.cluster.DataMember;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gateway-node member}: a bad file or a client-mode section is refused with exit status 2 and one line; a
 * running member answers its health endpoint (cluster port 5789).
 */
class MemberCommandTest {
    @TempDir
    Path dir;

    @Test
    void refusesAFileWithoutAClusterSectionOrInClientMode() throws Exception {
        Path none = Files.writeString(dir.resolve("none.yaml"), "node: {name: m1}\n");
        assertThat(run("--config", none.toString())).isEqualTo("2 " + none + ": cluster: is required for a member");
        Path client = Files.writeString(dir.resolve("client.yaml"),
                "cluster: {mode: client, members: ['127.0.0.1:5789']}\n");
        assertThat(run("--config", client.toString())).startsWith("2 " + client + ": cluster.mode: client (expected:");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "cluster: {listen: nowhere}\n");
        assertThat(run("--config", bad.toString())).startsWith("2 " + bad + ": cluster.");
    }

    @Test
    void healthFollowsTheMember() throws Exception {
        HostPort address = new HostPort("127.0.0.1", 5789);
        ClusterSettings settings = new ClusterSettings("member-health-" + UUID.randomUUID().toString().substring(0, 8),
                address, new Discovery(List.of(address), null), 1, 1);
        DataMember member = DataMember.start(settings, "m1");
        try (MemberHealth health = MemberHealth.start(new HostPort("127.0.0.1", 0), member)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ready = get(http, health.port(), "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("{\"status\":\"ready\",\"members\":1,\"clients\":0,"
                    + "\"local_partitions_safe\":true}");
            assertThat(get(http, health.port(), "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(http, health.port(), "/health/other").statusCode()).isEqualTo(404);
            member.kill();
            HttpResponse<String> gone = get(http, health.port(), "/health/ready");
            assertThat(gone.statusCode()).isEqualTo(503);
            assertThat(gone.body()).contains("\"reason\":\"cluster member is not running\"");
        } finally {
            member.kill();
        }
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs the command; answers its exit status and its stderr's first line. */
    private static String run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new CommandLine(new MemberCommand()).execute(args);
        } finally {
            System.setErr(original);
        }
        String first = err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
        return code + " " + first;
    }
}
