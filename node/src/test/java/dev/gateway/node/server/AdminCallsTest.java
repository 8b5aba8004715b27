package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.config.HostPort;
import dev.gateway.node.admin.AdminApi;
import dev.gateway.node.admin.AdminToken;
import dev.gateway.node.admin.Health;
import dev.gateway.node.admin.MetricsEndpoint;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.grizzly.http.server.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Calls that wait for the cluster ({@code /metrics} reads the shared cache's size, {@code /admin/cluster} the
 * nodes' config states) must not take the admin listener's worker threads from {@code /health/ready}: a balancer
 * whose check times out marks a serving node down. A metrics endpoint that blocks until released stands for a
 * cluster that does not answer.
 */
@Timeout(60)
class AdminCallsTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger entered = new AtomicInteger();
    private final AdminCalls calls = new AdminCalls();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpServer server;
    private int port;

    private void start(MetricsEndpoint metrics) throws Exception {
        Health health = new Health(() -> null);
        health.serving();
        server = Servers.admin(new HostPort("127.0.0.1", 0),
                new AdminHttpHandler(health, new AdminToken(null), new AdminApi(null, null, null, null, null, null),
                        metrics, calls));
        server.start();
        port = ((InetSocketAddress) server.getListener("admin").getServerConnection().getLocalAddress()).getPort();
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.shutdownNow();
        }
        calls.close();
    }

    private MetricsEndpoint blockingMetrics() {
        return new MetricsEndpoint() {
            @Override
            public String contentType(String accept) {
                return "text/plain";
            }

            @Override
            public void write(String accept, OutputStream out) throws java.io.IOException {
                entered.incrementAndGet();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.write("up 1\n".getBytes(StandardCharsets.US_ASCII));
            }
        };
    }

    private CompletableFuture<HttpResponse<String>> get(String path) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAnswersWhileEveryAdminCallThreadWaitsOnTheCluster() throws Exception {
        start(blockingMetrics());
        List<CompletableFuture<HttpResponse<String>>> stuck = new ArrayList<>();
        for (int i = 0; i < AdminCalls.THREADS + 2; i++) {
            stuck.add(get("/metrics"));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> entered.get() >= AdminCalls.THREADS);

        HttpResponse<String> ready = get("/health/ready").get(5, TimeUnit.SECONDS);
        HttpResponse<String> live = get("/health/live").get(5, TimeUnit.SECONDS);

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"ready\"");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(stuck).noneMatch(CompletableFuture::isDone);
        release.countDown();
        for (CompletableFuture<HttpResponse<String>> f : stuck) {
            HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("up 1\n");
        }
    }

    @Test
    void callsBeyondTheRunningAndWaitingOnesAreRefusedWith503() throws Exception {
        start(blockingMetrics());
        List<CompletableFuture<HttpResponse<String>>> stuck = new ArrayList<>();
        for (int i = 0; i < AdminCalls.THREADS; i++) {
            stuck.add(get("/metrics"));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> entered.get() == AdminCalls.THREADS);
        for (int i = 0; i < AdminCalls.WAITING; i++) {
            stuck.add(get("/metrics"));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> calls.waiting() == AdminCalls.WAITING);

        HttpResponse<String> refused = get("/metrics").get(5, TimeUnit.SECONDS);

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).contains("admin API busy");
        release.countDown();
        for (CompletableFuture<HttpResponse<String>> f : stuck) {
            assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aCallThatFailsAnswers500WithoutItsInternals() throws Exception {
        start(new MetricsEndpoint() {
            @Override
            public String contentType(String accept) {
                return "text/plain";
            }

            @Override
            public void write(String accept, OutputStream out) {
                throw new IllegalStateException("secret internals");
            }
        });

        HttpResponse<String> r = get("/metrics").get(5, TimeUnit.SECONDS);

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("admin call failed").doesNotContain("secret internals");
    }
}
