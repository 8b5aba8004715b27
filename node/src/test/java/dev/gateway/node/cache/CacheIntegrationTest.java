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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A route's {@code cache:} on one node: hits, misses, expiry, Vary, no-store, private, Authorization, purge. */
class CacheIntegrationTest {
    private static final String TOKEN = "cache-admin";
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private CachingUpstream upstream;
    private GatewayNode node;

    @BeforeEach
    void start() throws Exception {
        upstream = new CachingUpstream();
        node = GatewayNode.start(TestConfigs.parse("node: {name: gw-test, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0,"
                + " token: " + TOKEN + "}}\n" + TestConfigs.OBSERVABILITY + """
                upstreams:
                  app: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - id: shared
                    match: {path: /shared/**}
                    upstream: app
                    rewrite: {strip-prefix: /shared}
                    cache: {ttl: 30s, share-authorized: true}
                  - id: r
                    match: {path: /**}
                    upstream: app
                    cache: {ttl: 30s, vary: [Accept], scope: node}
                    compression: {types: [application/json], min-bytes: 1}
                """.formatted(upstream.port())));
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        upstream.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxyPort() + path))
                .timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cache(HttpResponse<?> r) {
        return r.headers().firstValue("X-Cache").orElse("none");
    }

    @Test
    void aSecondGetIsAHitWithAgeAndTheSameBody() throws Exception {
        HttpResponse<String> first = get("/plain");
        HttpResponse<String> second = get("/plain");
        assertThat(cache(first)).isEqualTo("MISS");
        assertThat(cache(second)).isEqualTo("HIT");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().firstValue("Age")).hasValueSatisfying(a -> assertThat(Long.parseLong(a)).isBetween(0L, 2L));
        assertThat(second.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(upstream.calls()).isEqualTo(1);
        assertThat(get("/plain?page=2").body()).contains("\"call\":2");
    }

    @Test
    void aHeadIsServedFromACachedGet() throws Exception {
        get("/plain");
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxyPort()
                + "/plain")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(cache(head)).isEqualTo("HIT");
        assertThat(head.body()).isEmpty();
        assertThat(upstream.calls()).isEqualTo(1);
    }

    @Test
    void noStorePrivateSetCookieAndErrorsAreNeverCached() throws Exception {
        for (String path : new String[] {"/nostore", "/private", "/cookie", "/error"}) {
            get(path);
            assertThat(cache(get(path))).as(path).isEqualTo("MISS");
        }
        assertThat(upstream.calls()).isEqualTo(8);
    }

    @Test
    void maxAgeShortensTheRoutesTtl() throws Exception {
        get("/maxage1");
        assertThat(cache(get("/maxage1"))).isEqualTo("HIT");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> cache(get("/maxage1")).equals("MISS"));
    }

    @Test
    void responsesVaryOnTheRoutesVaryHeadersAndTheUpstreamsVary() throws Exception {
        get("/vary", "Accept-Language", "de");
        get("/vary", "Accept-Language", "fr");
        HttpResponse<String> de = get("/vary", "Accept-Language", "de");
        HttpResponse<String> fr = get("/vary", "Accept-Language", "fr");
        assertThat(cache(de)).isEqualTo("HIT");
        assertThat(de.body()).contains("\"lang\":\"de\"");
        assertThat(cache(fr)).isEqualTo("HIT");
        assertThat(fr.body()).contains("\"lang\":\"fr\"");
        assertThat(cache(get("/plain", "Accept", "application/json"))).isEqualTo("MISS");
        assertThat(cache(get("/plain", "Accept", "text/plain"))).as("route vary: Accept").isEqualTo("MISS");
        assertThat(cache(get("/plain", "Accept", "application/json"))).isEqualTo("HIT");
    }

    @Test
    void requestsWithAuthorizationBypassUnlessTheRouteSharesThem() throws Exception {
        get("/plain");
        HttpResponse<String> withAuth = get("/plain", "Authorization", "Bearer x");
        assertThat(cache(withAuth)).isEqualTo("BYPASS");
        assertThat(upstream.calls()).isEqualTo(2);
        get("/shared/plain", "Authorization", "Bearer x");
        assertThat(cache(get("/shared/plain", "Authorization", "Bearer y"))).isEqualTo("HIT");
    }

    @Test
    void clientDirectivesBypassOrRefresh() throws Exception {
        get("/plain");
        assertThat(cache(get("/plain", "Cache-Control", "no-store"))).isEqualTo("BYPASS");
        HttpResponse<String> refreshed = get("/plain", "Cache-Control", "no-cache");
        assertThat(cache(refreshed)).isEqualTo("MISS");
        assertThat(get("/plain").body()).isEqualTo(refreshed.body());
    }

    @Test
    void aHitIsCompressedForAClientThatAcceptsGzip() throws Exception {
        get("/plain");
        HttpResponse<byte[]> gz = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxyPort()
                + "/plain")).header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gz.headers().firstValue("X-Cache")).contains("HIT");
        assertThat(gz.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(upstream.calls()).isEqualTo(1);
    }

    @Test
    void purgeByRouteAndByPathAndTheMetrics() throws Exception {
        get("/plain");
        get("/other");
        HttpResponse<String> onePath = admin("DELETE", "/admin/cache/r?path=%2Fplain");
        assertThat(onePath.statusCode()).as(onePath.body()).isEqualTo(200);
        assertThat(onePath.body()).contains("\"purged\":1");
        assertThat(cache(get("/plain"))).isEqualTo("MISS");
        assertThat(cache(get("/other"))).isEqualTo("HIT");
        assertThat(admin("DELETE", "/admin/cache/r").body()).contains("\"purged\":2");
        assertThat(cache(get("/other"))).isEqualTo("MISS");
        assertThat(admin("DELETE", "/admin/cache/nope").statusCode()).isEqualTo(404);
        String metrics = admin("GET", "/metrics").body();
        assertThat(metrics).contains("gateway_cache_requests_total{result=\"hit\",route=\"r\"} 1.0")
                .contains("gateway_cache_entries{scope=\"node\"}");
    }

    private HttpResponse<String> admin(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
                .header("Authorization", "Bearer " + TOKEN).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
