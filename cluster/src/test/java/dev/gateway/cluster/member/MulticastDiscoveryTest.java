package dev.gateway.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Multicast discovery, isolated in a fresh network namespace so that it can neither reach nor be reached by
 * anything else on the host: two child JVMs inside it must find each other. Needs root and iproute2; without
 * them the test is skipped, unless {@code -Dchaos.required=true} (CI), where it fails.
 */
class MulticastDiscoveryTest {
    @Test
    void twoMembersInOneNetworkNamespaceFindEachOtherByMulticast() throws Exception {
        requireNetworkNamespaces();
        String namespace = "gwtest-" + UUID.randomUUID().toString().substring(0, 8);
        run("ip", "netns", "add", namespace);
        try {
            run("ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up");
            run("ip", "netns", "exec", namespace, "ip", "route", "add", "224.0.0.0/4", "dev", "lo");
            List<String> inNamespace = List.of("ip", "netns", "exec", namespace);
            String cluster = MemberTestSupport.uniqueClusterName("multicast");
            List<String> jvm = List.of("-Xss512k", "-XX:TieredStopAtLevel=1");
            try (ChildJvm first = ChildJvm.start(inNamespace, jvm, MulticastMemberMain.class,
                         cluster, "5991", "224.2.2.3", "5990", "2", "gw-mc-1");
                 ChildJvm second = ChildJvm.start(inNamespace, jvm, MulticastMemberMain.class,
                         cluster, "5992", "224.2.2.3", "5990", "2", "gw-mc-2")) {
                assertThat(first.awaitLine("SIZE ", Duration.ofSeconds(40))).as(first::log)
                        .isEqualTo("SIZE 2 gw-mc-1,gw-mc-2");
                assertThat(second.awaitLine("SIZE ", Duration.ofSeconds(40))).as(second::log)
                        .isEqualTo("SIZE 2 gw-mc-1,gw-mc-2");
            }
        } finally {
            run("ip", "netns", "del", namespace);
        }
    }

    private static void requireNetworkNamespaces() throws InterruptedException {
        String missing;
        try {
            missing = "0".equals(output("id", "-u").strip()) ? null : "not running as root";
            if (missing == null) {
                output("ip", "netns", "list");
            }
        } catch (IOException | IllegalStateException e) {
            missing = "'ip netns' unavailable (" + e.getMessage() + ")";
        }
        if (missing != null) {
            String message = "multicast discovery test needs root and 'ip netns' (iproute2): " + missing;
            if (Boolean.getBoolean("chaos.required")) {
                fail(message + ", and chaos.required=true");
            }
            Assumptions.abort(message);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        output(command);
    }

    private static String output(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }
}
