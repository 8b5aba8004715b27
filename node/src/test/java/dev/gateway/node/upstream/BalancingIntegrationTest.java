package dev.gateway.node.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each balancing policy through a real node, with demo upstreams that name themselves in every
 * answer ({@code "service"}).
 */
class BalancingIntegrationTest {
    private static final SimpleHttp HTTP = new SimpleHttp();

    private static DemoUpstream a;
    private static DemoUpstream b;
    private static DemoUpstream c;
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        a = DemoUpstream.start("127.0.0.1", 0, "a");
        b = DemoUpstream.start("127.0.0.1", 0, "b");
        c = DemoUpstream.start("127.0.0.1", 0, "c");
        node = GatewayNode.start(TestConfigs.parse("""
                node: {name: gw-balance, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}, limits: {drain-timeout: 1s}}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  weighted:
                    targets: [{url: "http://127.0.0.1:%1$d", weight: 2}, {url: "http://127.0.0.1:%2$d"}]
                    balancing: round-robin
                  hashed:
                    targets: ["http://127.0.0.1:%1$d", "http://127.0.0.1:%2$d", "http://127.0.0.1:%3$d"]
                    balancing: consistent-hash:header:X-User
                  least:
                    targets: ["http://127.0.0.1:%1$d", "http://127.0.0.1:%2$d"]
                    balancing: least-connections
                  by-ip:
                    targets: ["http://127.0.0.1:%1$d", "http://127.0.0.1:%2$d", "http://127.0.0.1:%3$d"]
                    balancing: ip-hash
                routes:
                  - {id: weighted, match: {path: /weighted/**}, upstream: weighted}
                  - {id: hashed, match: {path: /hashed/**}, upstream: hashed}
                  - {id: least, match: {path: /least/**}, upstream: least}
                  - {id: by-ip, match: {path: /by-ip/**}, upstream: by-ip}
                """.formatted(a.port(), b.port(), c.port())));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        for (DemoUpstream u : new DemoUpstream[] {a, b, c}) {
            if (u != null) {
                u.close();
            }
        }
    }

    @Test
    void roundRobinWithWeightsTwoToOneSplitsThirtyRequestsTwentyToTen() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            counts.merge(serviceOf(HTTP.get(node.proxyPort(), "/weighted/" + i)), 1, Integer::sum);
        }

        assertThat(counts).containsOnly(Map.entry("a", 20), Map.entry("b", 10));
    }

    @Test
    void consistentHashSendsEachUserToOneUpstreamAndSpreadsUsers() {
        Map<String, String> upstreamOfUser = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int user = 0; user < 30; user++) {
                String name = "user-" + user;
                String service = serviceOf(HTTP.get(node.proxyPort(), "/hashed/r" + round, "X-User", name));
                String before = upstreamOfUser.putIfAbsent(name, service);
                if (before != null) {
                    assertThat(service).as("upstream of %s in round %d", name, round).isEqualTo(before);
                }
            }
        }

        Map<String, Integer> usersPerUpstream = new HashMap<>();
        upstreamOfUser.values().forEach(s -> usersPerUpstream.merge(s, 1, Integer::sum));
        assertThat(usersPerUpstream).as("30 users over 3 upstreams").containsOnlyKeys("a", "b", "c");
    }

    /**
     * One slow request holds target X; while it is in flight every quick request goes to the
     * other, idle target (round-robin would alternate).
     */
    @Test
    void leastConnectionsPrefersTheIdleTargetWhileTheOtherIsBusy() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = HTTP.getAsync(node.proxyPort(), "/least/slow?delay=1s");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> inFlightOf("least") == 1);

        List<String> quick = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            quick.add(serviceOf(HTTP.get(node.proxyPort(), "/least/quick-" + i)));
        }
        assertThat(slow).as("the slow request was still in flight during the quick ones").isNotDone();
        String busy = serviceOf(slow.get(10, TimeUnit.SECONDS));

        assertThat(quick).as("quick requests while %s was busy", busy).hasSize(10).doesNotContain(busy)
                .containsOnly(busy.equals("a") ? "b" : "a");
    }

    @Test
    void ipHashKeepsOneClientAddressOnOneUpstream() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            seen.add(serviceOf(HTTP.get(node.proxyPort(), "/by-ip/" + i)));
        }

        assertThat(seen).as("upstreams 127.0.0.1 reached over 12 requests").hasSize(1);
    }

    /**
     * Clients on other loopback addresses (127.0.0.2...; the connection still goes to 127.0.0.1):
     * each address sticks to one upstream, and addresses spread over more than one.
     */
    @Test
    void ipHashIsStablePerAddressAndSpreadsAddresses() throws Exception {
        Map<String, String> upstreamOfAddress = new HashMap<>();
        for (int round = 0; round < 2; round++) {
            for (int host = 2; host <= 21; host++) {
                String address = "127.0.0." + host;
                String service = serviceOf(getFrom(address, "/by-ip/" + round));
                String before = upstreamOfAddress.putIfAbsent(address, service);
                if (before != null) {
                    assertThat(service).as("upstream of %s", address).isEqualTo(before);
                }
            }
        }

        assertThat(new HashSet<>(upstreamOfAddress.values())).as("upstreams reached by 20 addresses").hasSizeGreaterThan(1);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String serviceOf(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonErrors.parse(response.body()).get("service").asText();
    }

    private static String serviceOf(String rawResponse) {
        int split = rawResponse.indexOf("\r\n\r\n");
        assertThat(rawResponse).startsWith("HTTP/1.1 200");
        return JsonErrors.parse(rawResponse.substring(split + 4)).get("service").asText();
    }

    /** Requests held in flight by the targets of {@code upstream}, as {@code GET /admin/upstreams} reports. */
    private static int inFlightOf(String upstream) {
        JsonNode view = JsonErrors.parse(HTTP.get(node.adminPort(), "/admin/upstreams").body());
        int total = 0;
        for (JsonNode target : view.get("upstreams").get(upstream).get("targets")) {
            total += target.get("in_flight").asInt();
        }
        return total;
    }

    /** A one-shot GET from a socket bound to {@code localAddress}; the whole raw response. */
    private static String getFrom(String localAddress, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(5_000);
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.proxyPort()), 5_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while (out.size() < 1 << 20 && (n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
