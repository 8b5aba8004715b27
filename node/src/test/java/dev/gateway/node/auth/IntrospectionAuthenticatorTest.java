package dev.gateway.node.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.config.ConsumerConfig;
import dev.gateway.config.IntrospectionProvider;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 7662 introspection against a real endpoint, with the cache's clock moved by hand. */
class IntrospectionAuthenticatorTest {
    private final ManualClock clock = ManualClock.atSystemTime();
    private final ProviderMetrics metrics = new AuthMetrics().provider("introspection:corp");
    private final Consumers consumers = Consumers.of(Map.of("alice", new ConsumerConfig(List.of(), List.of("alice-sub"), "gold")));
    private FakeIntrospectionServer server;
    private ScheduledExecutorService timer;
    private ExecutorService executor;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        server = FakeIntrospectionServer.start();
        timer = Executors.newSingleThreadScheduledExecutor();
        executor = Executors.newCachedThreadPool();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
    }

    @AfterEach
    void stop() {
        server.close();
        timer.shutdownNow();
        executor.shutdownNow();
    }

    @Test
    void anActiveTokenAuthenticatesItsSubjectAsTheConsumerListingIt() {
        server.answer("tok-1", active("alice-sub", 3600));
        IntrospectionAuthenticator auth = authenticator(server.url(), Duration.ofSeconds(60), Duration.ofSeconds(2), 100);

        AuthResult result = auth.authenticate("tok-1").toCompletableFuture().join();

        assertThat(result.isOk()).isTrue();
        assertThat(result.principal()).isEqualTo(new Principal("alice", "gold", "alice-sub"));
        FakeIntrospectionServer.Call call = server.calls().get(0);
        assertThat(call.authorization()).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("gateway:s3cr%3At".getBytes(StandardCharsets.UTF_8)));
        assertThat(call.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(call.body()).startsWith("token=tok-1");
    }

    @Test
    void clientIdStandsInForAMissingSubject() {
        server.answer("svc", "{\"active\":true,\"client_id\":\"billing-service\"}");
        IntrospectionAuthenticator auth = authenticator(server.url(), Duration.ofSeconds(60), Duration.ofSeconds(2), 100);

        AuthResult result = auth.authenticate("svc").toCompletableFuture().join();

        assertThat(result.principal()).isEqualTo(new Principal("billing-service", null, "billing-service"));
    }

    @Test
    void activeVerdictsAreCachedForCacheFor() {
        server.answer("tok-1", active("alice-sub", 3600));
        IntrospectionAuthenticator auth = authenticator(server.url(), Duration.ofSeconds(60), Duration.ofSeconds(2), 100);

        auth.authenticate("tok-1").toCompletableFuture().join();
        clock.advance(Duration.ofSeconds(59));
        AuthResult cached = auth.authenticate("tok-1").toCompletableFuture().join();
        int hitsWithinCacheFor = server.hits("tok-1");
        clock.advance(Duration.ofSeconds(1));
        auth.authenticate("tok-1").toCompletableFuture().join();

        assertThat(cached.isOk()).isTrue();
        assertThat(hitsWithinCacheFor).isEqualTo(1);
        assertThat(server.hits("tok-1")).isEqualTo(2);
        assertThat(metrics.cacheHits()).isEqualTo(1);
        assertThat(metrics.cacheMisses()).isEqualTo(2);
        assertThat(metrics.introspectionLatency().getCount()).isEqualTo(2);
    }

    @Test
    void theCacheNeverOutlivesTheTokensExpiry() {
        server.answer("short", "{\"active\":true,\"sub\":\"alice-sub\",\"exp\":" + (clock.instant().getEpochSecond() + 10) + "}");
        IntrospectionAuthenticator auth = authenticator(server.url(), Duration.ofSeconds(60), Duration.ofSeconds(2), 100);

        assertThat(auth.authenticate("short").toCompletableFuture().join().isOk()).isTrue();
        clock.advance(Duration.ofSeconds(10));
        AuthResult afterExpiry = auth.authenticate("short").toCompletableFuture().join();

        assertThat(server.hits("short")).as("asked again once exp passed").isEqualTo(2);
        assertThat(afterExpiry.reason()).isEqualTo(AuthReason.EXPIRED);
    }

    @Test
    void anInactiveTokenIsRefusedAndNotCached() {
        IntrospectionAuthenticator auth = authenticator(server.url(), Duration.ofSeconds(60), Duration.ofSeconds(2), 100);

        AuthResult first = auth.authenticate("revoked").toCompletableFuture().join();
        auth.authenticate("revoked").toCompletableFuture().join();

        assertThat(first.reason()).isEqualTo(AuthReason.INACTIVE);
        assertThat(first.reason().status()).isEqualTo(401);
        assertThat(server.hits("revoked")).isEqualTo(2);
    }

    @Test
    void anEndpointThatIsDownGives503() throws Exception {
        URI closed = URI.create("http://127.0.0.1:" + TestConfigs.closedPort() + "/introspect");
        IntrospectionAuthenticator auth = authenticator(closed, Duration.ofSeconds(60), Duration.ofSeconds(2), 100);

        AuthResult result = auth.authenticate("tok-1").toCompletableFuture().join();

        assertThat(result.reason()).isEqualTo(AuthReason.UNAVAILABLE);
        assertThat(result.reason().status()).isEqualTo(503);
    }

    @Test
    void anEndpointErrorGives503() {
        IntrospectionAuthenticator auth = authenticator(server.url(), Duration.ofSeconds(60), Duration.ofSeconds(2), 100);

        assertThat(auth.authenticate("error").toCompletableFuture().join().reason()).isEqualTo(AuthReason.UNAVAILABLE);
    }

    @Test
    void aSlowEndpointGives503WhenTheTimeoutExpires() {
        IntrospectionAuthenticator auth = authenticator(server.url(), Duration.ofSeconds(60), Duration.ofMillis(200), 100);

        long start = System.nanoTime();
        AuthResult result = auth.authenticate("slow").toCompletableFuture().join();
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(result.reason()).isEqualTo(AuthReason.UNAVAILABLE);
        assertThat(millis).isBetween(150L, 1500L);
    }

    @Test
    void concurrentLookupsOfOneTokenShareOneCall() throws Exception {
        server.answer("tok-1", active("alice-sub", 3600));
        IntrospectionAuthenticator auth = authenticator(server.url(), Duration.ofSeconds(60), Duration.ofSeconds(2), 100);

        List<AuthResult> results = JwksKeySourceTest.concurrently(20,
                () -> auth.authenticate("tok-1").toCompletableFuture().join());

        assertThat(results).allMatch(AuthResult::isOk);
        assertThat(server.hits("tok-1")).isEqualTo(1);
    }

    @Test
    void theCacheIsBoundedAndEvictsTheOldestEntry() {
        for (String t : List.of("t1", "t2", "t3", "t4")) {
            server.answer(t, active("alice-sub", 3600));
        }
        IntrospectionAuthenticator auth = authenticator(server.url(), Duration.ofSeconds(60), Duration.ofSeconds(2), 3);

        for (String t : List.of("t1", "t2", "t3", "t4", "t4", "t2", "t1")) {
            auth.authenticate(t).toCompletableFuture().join();
        }

        assertThat(auth.cacheSize()).isEqualTo(3);
        assertThat(server.hits("t4")).isEqualTo(1);
        assertThat(server.hits("t2")).isEqualTo(1);
        assertThat(server.hits("t1")).as("evicted by t4").isEqualTo(2);
    }

    private static String active(String subject, long expiresInSeconds) {
        return "{\"active\":true,\"sub\":\"" + subject + "\",\"exp\":" + (System.currentTimeMillis() / 1000 + expiresInSeconds)
                + ",\"scope\":\"read\"}";
    }

    private IntrospectionAuthenticator authenticator(URI url, Duration cacheFor, Duration timeout, int maxEntries) {
        IntrospectionProvider config = new IntrospectionProvider("corp", url, "gateway", "s3cr:t", cacheFor, timeout);
        IntrospectionClient client = new IntrospectionClient(config, http, executor, timer, new ObjectMapper());
        return new IntrospectionAuthenticator(config, client, consumers, clock, metrics, maxEntries);
    }
}
