package dev.gateway.node.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code scope: cluster}: a response cached through one node is served by another (cluster ports 5795-5796). */
class ClusterCacheTest {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private CachingUpstream upstream;
    private GatewayNode one;
    private GatewayNode two;

    @AfterEach
    void stop() {
        if (two != null) {
            two.close();
        }
        if (one != null) {
            one.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private GatewayNode node(String name, int clusterPort, String clusterName) throws Exception {
        return GatewayNode.start(TestConfigs.parse("""
                node: {name: %s, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0}}
                cluster:
                  name: %s
                  listen: 127.0.0.1:%d
                  discovery: {static: [127.0.0.1:5795, 127.0.0.1:5796]}
                  expected-size: 2
                  min-size: 1
                  allow-minority: true
                """.formatted(name, clusterName, clusterPort) + TestConfigs.OBSERVABILITY + """
                upstreams:
                  app: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: r, match: {path: /**}, upstream: app, cache: {ttl: 30s, scope: cluster}}
                """.formatted(upstream.port())));
    }

    private HttpResponse<String> get(GatewayNode node, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxyPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aResponseCachedThroughOneNodeIsServedByTheOther() throws Exception {
        upstream = new CachingUpstream();
        String cluster = "cache-" + UUID.randomUUID().toString().substring(0, 8);
        one = node("gw-1", 5795, cluster);
        two = node("gw-2", 5796, cluster);
        HttpResponse<String> first = get(one, "/plain");
        assertThat(first.headers().firstValue("X-Cache")).contains("MISS");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            HttpResponse<String> viaTwo = get(two, "/plain");
            assertThat(viaTwo.headers().firstValue("X-Cache")).contains("HIT");
            assertThat(viaTwo.body()).isEqualTo(first.body());
        });
        assertThat(upstream.calls()).isEqualTo(1);
    }
}
