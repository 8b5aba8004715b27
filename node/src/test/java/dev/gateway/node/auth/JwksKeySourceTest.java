package dev.gateway.node.auth;

import static dev.gateway.node.auth.JwtVerifierTest.outcome;
import static dev.gateway.node.auth.TestKeys.EC256;
import static dev.gateway.node.auth.TestKeys.ED25519;
import static dev.gateway.node.auth.TestKeys.RSA;
import static dev.gateway.node.auth.TestKeys.RSA_OTHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** JWKS keys against a real JWKS endpoint: first load, refresh on unknown kids (shared, rate-limited), schedule. */
class JwksKeySourceTest {
    private static final String PATH = "/jwks.json";
    private static final Duration UNKNOWN_KEY_INTERVAL = Duration.ofSeconds(10);

    private final ManualClock clock = ManualClock.atSystemTime();
    private final ProviderMetrics metrics = new AuthMetrics().provider("jwt:test");
    private final List<JwksKeySource> sources = new ArrayList<>();
    private FakeJwksServer server;
    private ScheduledExecutorService timer;
    private ExecutorService executor;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        server = FakeJwksServer.start();
        timer = Executors.newSingleThreadScheduledExecutor();
        executor = Executors.newCachedThreadPool();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
    }

    @AfterEach
    void stop() {
        sources.forEach(JwksKeySource::close);
        server.close();
        timer.shutdownNow();
        executor.shutdownNow();
    }

    @Test
    void loadsSignatureKeysOfEveryTypeAndSkipsEncryptionKeys() {
        String encryptionKey = TestKeys.jwk(RSA_OTHER.getPublic(), "k-enc", null).replaceFirst("\\{", "{\"use\":\"enc\",");
        server.serve(PATH, TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k-rsa", "RS256"),
                TestKeys.jwk(EC256.getPublic(), "k-ec", null), TestKeys.jwk(ED25519.getPublic(), "k-ed", null), encryptionKey));
        JwksKeySource source = started(Duration.ofMinutes(5));

        await().until(source::loaded);

        KeySet keys = source.current();
        assertThat(keys.size()).isEqualTo(3);
        assertThat(keys.find("k-rsa", "RS256")).isEqualTo(RSA.getPublic());
        assertThat(keys.find("k-rsa", "PS256")).as("the JWK says RS256").isNull();
        assertThat(keys.find("k-ec", "ES256")).isEqualTo(EC256.getPublic());
        assertThat(keys.find("k-ed", "EdDSA")).isEqualTo(ED25519.getPublic());
        assertThat(keys.find("k-enc", "RS256")).isNull();
        assertThat(metrics.jwksRefreshes()).isEqualTo(1);
    }

    @Test
    void twentyConcurrentRequestsWithAnUnknownKidCauseOneFetch() throws Exception {
        server.serve(PATH, TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k1", null)));
        JwksKeySource source = started(Duration.ofMinutes(5));
        JwtVerifier verifier = verifier(source);
        await().until(source::loaded);
        assertThat(server.hits(PATH)).isEqualTo(1);
        String unknown = TestKeys.token("RS256", RSA_OTHER.getPrivate(), "k-made-up", clock.instant());

        assertThat(concurrently(20, () -> outcome(verifier, unknown))).containsOnly(AuthReason.UNKNOWN_KEY);
        assertThat(server.hits(PATH)).as("one refresh for the whole burst").isEqualTo(2);

        assertThat(concurrently(20, () -> outcome(verifier, unknown))).containsOnly(AuthReason.UNKNOWN_KEY);
        assertThat(server.hits(PATH)).as("rate-limited within the interval").isEqualTo(2);

        clock.advance(UNKNOWN_KEY_INTERVAL);
        assertThat(outcome(verifier, unknown)).isEqualTo(AuthReason.UNKNOWN_KEY);
        assertThat(server.hits(PATH)).as("allowed again after the interval").isEqualTo(3);
    }

    @Test
    void concurrentRequestsWithANewlyPublishedKidAllPassOnOneFetch() throws Exception {
        server.serve(PATH, TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k1", null)));
        JwksKeySource source = started(Duration.ofMinutes(5));
        JwtVerifier verifier = verifier(source);
        await().until(source::loaded);
        server.serve(PATH, TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k1", null),
                TestKeys.jwk(RSA_OTHER.getPublic(), "k2", null)));
        String newKid = TestKeys.token("RS256", RSA_OTHER.getPrivate(), "k2", clock.instant());

        assertThat(concurrently(20, () -> outcome(verifier, newKid))).containsOnly(AuthReason.OK);
        assertThat(server.hits(PATH)).isEqualTo(2);
    }

    @Test
    void aRotatedKeyIsPickedUpAndARemovedOneIsRefused() {
        server.serve(PATH, TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k1", null)));
        JwksKeySource source = started(Duration.ofMinutes(5));
        JwtVerifier verifier = verifier(source);
        String old = TestKeys.token("RS256", RSA.getPrivate(), "k1", clock.instant());
        String rotated = TestKeys.token("RS256", RSA_OTHER.getPrivate(), "k2", clock.instant());
        assertThat(outcome(verifier, old)).isEqualTo(AuthReason.OK);

        server.serve(PATH, TestKeys.jwks(TestKeys.jwk(RSA_OTHER.getPublic(), "k2", null)));

        assertThat(outcome(verifier, rotated)).isEqualTo(AuthReason.OK);
        assertThat(outcome(verifier, old)).isEqualTo(AuthReason.UNKNOWN_KEY);
    }

    @Test
    void theScheduleRefreshesWithoutAnyRequest() {
        server.serve(PATH, TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k1", null)));
        JwksKeySource source = started(Duration.ofMillis(100));
        await().until(source::loaded);

        server.serve(PATH, TestKeys.jwks(TestKeys.jwk(RSA_OTHER.getPublic(), "k2", null)));

        await().atMost(Duration.ofSeconds(5)).until(() -> source.current().find("k2", "RS256") != null);
        assertThat(source.current().find("k1", "RS256")).isNull();
        assertThat(metrics.jwksRefreshes()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void closingStopsTheSchedule() {
        server.serve(PATH, TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k1", null)));
        JwksKeySource source = started(Duration.ofMillis(50));
        await().until(() -> server.hits(PATH) >= 2);

        source.close();
        int afterClose = server.hits(PATH) + 1; // one fetch may have been under way

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> server.hits(PATH) <= afterClose);
    }

    @Test
    void keysThatCouldNeverBeLoadedGive503UntilTheEndpointRecovers() {
        server.fail(PATH, 500);
        JwksKeySource source = started(Duration.ofMinutes(5));
        JwtVerifier verifier = verifier(source);
        String token = TestKeys.token("RS256", RSA.getPrivate(), "k1", clock.instant());
        await().until(() -> metrics.jwksRefreshFailures() == 1);

        AuthReason first = outcome(verifier, token);
        server.serve(PATH, TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k1", null)));
        AuthReason withinInterval = outcome(verifier, token);
        clock.advance(UNKNOWN_KEY_INTERVAL);
        AuthReason afterInterval = outcome(verifier, token);

        assertThat(first).isEqualTo(AuthReason.UNAVAILABLE);
        assertThat(first.status()).isEqualTo(503);
        assertThat(withinInterval).isEqualTo(AuthReason.UNAVAILABLE);
        assertThat(afterInterval).isEqualTo(AuthReason.OK);
    }

    @Test
    void aFailedRefreshKeepsTheKeysItHad() {
        server.serve(PATH, TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k1", null)));
        JwksKeySource source = started(Duration.ofMinutes(5));
        JwtVerifier verifier = verifier(source);
        await().until(source::loaded);
        server.fail(PATH, 503);

        AuthReason unknown = outcome(verifier, TestKeys.token("RS256", RSA_OTHER.getPrivate(), "k9", clock.instant()));

        assertThat(unknown).isEqualTo(AuthReason.UNKNOWN_KEY);
        assertThat(metrics.jwksRefreshFailures()).isEqualTo(1);
        assertThat(outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), "k1", clock.instant()))).isEqualTo(AuthReason.OK);
    }

    private JwksKeySource started(Duration refreshEvery) {
        JwksKeySource source = new JwksKeySource("jwt:test", server.url(PATH), http, executor, timer, clock, refreshEvery,
                UNKNOWN_KEY_INTERVAL, metrics);
        sources.add(source);
        source.start();
        return source;
    }

    private JwtVerifier verifier(KeySource source) {
        return new JwtVerifier(JwtVerifierTest.provider(List.of("RS256"), List.of("api"), List.of(), 8192), source, clock);
    }

    /** Runs {@code task} on {@code n} threads released together; returns every result. */
    static <T> List<T> concurrently(int n, java.util.function.Supplier<T> task) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<T>> results = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<T> result = new CompletableFuture<>();
            results.add(result);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    result.complete(task.get());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }
        return results.stream().map(CompletableFuture::join).toList();
    }
}
