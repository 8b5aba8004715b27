package dev.gateway.node.auth;

import static dev.gateway.node.auth.TestKeys.EC256;
import static dev.gateway.node.auth.TestKeys.ISSUER;
import static dev.gateway.node.auth.TestKeys.RSA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gateway.config.SharedConfig;
import dev.gateway.node.support.TestConfigs;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Building a config version's authentication: every problem named by its path, metrics by provider. */
class AuthCompilerTest {
    /** A self-signed EC P-256 certificate (public part only). */
    private static final String CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIIBhDCCASmgAwIBAgIURd1hHQsezI0fo+xZwwC1n7qt+5cwCgYIKoZIzj0EAwIw
            FjEUMBIGA1UEAwwLaXNzdWVyLnRlc3QwIBcNMjYxMTI3MjA1MjIyWhgPMjEyNjEx
            MDMyMDUyMjJaMBYxFDASBgNVBAMMC2lzc3Vlci50ZXN0MFkwEwYHKoZIzj0CAQYI
            KoZIzj0DAQcDQgAEdc1Wi3qcnBbQ4LxicT0I0RyRlkJRN9APyLW75vZt4LcC+Zn/
            o/bkPjtGSNANGyG24lxcUZpfYXvvu8myzDebt6NTMFEwHQYDVR0OBBYEFCOr1j1T
            5L1G49HwHXfYvgStmH2zMB8GA1UdIwQYMBaAFCOr1j1T5L1G49HwHXfYvgStmH2z
            MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAJjOEbss4aqR8Wt2
            lmjRwrGm3BWdVVjx2Fw71Gr6vwoTAiEAuBlQQ3OWJ31X0z5Ju0ErziBi98GxivWH
            y22rR+7pFoo=
            -----END CERTIFICATE-----
            """;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ManualClock clock = ManualClock.atSystemTime();
    private final AuthCompiler compiler = new AuthCompiler(timer, clock, Duration.ofSeconds(10), 100);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void everyUnbuildableKeyIsNamedByItsPathAtOnce() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        String weak = TestKeys.yamlPem(g.generateKeyPair().getPublic());
        String privateKey = "\"-----BEGIN PRIVATE KEY-----\\n"
                + Base64.getEncoder().encodeToString(RSA.getPrivate().getEncoded()) + "\\n-----END PRIVATE KEY-----\\n\"";
        SharedConfig config = shared("""
                auth:
                  jwt:
                    - id: a
                      issuer: %1$s
                      algorithms: [RS256]
                      keys:
                        - {kid: garbage, pem: "-----BEGIN PUBLIC KEY-----\\nnot base64!\\n-----END PUBLIC KEY-----\\n"}
                        - {kid: private, pem: %2$s}
                        - {kid: weak, pem: %3$s}
                        - {kid: ec, pem: %4$s}
                        - {kid: good, pem: %5$s}
                    - {id: b, issuer: %1$s, hs-secret: "%6$s", algorithms: [HS256, HS512]}
                """.formatted(ISSUER, privateKey, weak, TestKeys.yamlPem(EC256.getPublic()), TestKeys.yamlPem(RSA.getPublic()),
                "x".repeat(32)));

        AuthConfigException e = catchThrowableOfType(AuthConfigException.class, () -> compiler.compile(config));

        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(5);
        assertThat(e.problems().get(0)).startsWith("auth.jwt[0].keys[0].pem: not a readable PEM public key");
        assertThat(e.problems().get(1)).startsWith("auth.jwt[0].keys[1].pem: a private key");
        assertThat(e.problems().get(2)).isEqualTo("auth.jwt[0].keys[2].pem: an RSA key of 1024 bits (expected: >= 2048)");
        assertThat(e.problems().get(3)).isEqualTo(
                "auth.jwt[0].keys[3].pem: an EC 256-bit key, which none of algorithms [RS256] can use");
        assertThat(e.problems().get(4)).isEqualTo("auth.jwt[1].hs-secret: 32 bytes is too short for HS512 (expected: >= 64 bytes)");
        assertThat(e.getMessage()).doesNotContain("x".repeat(32));
    }

    @Test
    void aCertificateServesAsAnInlineKey() {
        SharedConfig config = shared("""
                auth:
                  jwt:
                    - {id: a, issuer: %s, algorithms: [ES256], keys: [{kid: c, pem: "%s"}]}
                """.formatted(ISSUER, CERTIFICATE.replace("\n", "\\n")));

        try (AuthRuntime runtime = compiler.compile(config)) {
            assertThat(runtime.provider("jwt:a")).isNotNull();
        }
    }

    @Test
    void outcomesAreCountedByProviderAndReason() {
        SharedConfig config = shared("""
                consumers:
                  alice: {api-keys: ["%s"]}
                auth:
                  api-key: {header: X-API-Key}
                  jwt:
                    - {id: hs, issuer: %s, hs-secret: "%s"}
                routes:
                  - {id: r, match: {path: /**}, upstream: u, auth: [jwt:hs, api-key]}
                """.formatted(ApiKeys.hash("good-key"), ISSUER, TestKeys.HS_SECRET));
        String token = TestKeys.token("HS256", TestKeys.hsKey("HS256"), null, Instant.now());

        try (AuthRuntime runtime = compiler.compile(config)) {
            var link = runtime.linkFor(List.of("jwt:hs", "api-key"));
            link.intercept(RecordingChain.get("/x", "X-API-Key", "good-key")).toCompletableFuture().join();
            link.intercept(RecordingChain.get("/x", "Authorization", "Bearer " + token)).toCompletableFuture().join();
            link.intercept(RecordingChain.get("/x", "X-API-Key", "bad-key")).handle((r, e) -> null).toCompletableFuture().join();

            assertThat(runtime.linkFor(List.of())).isNull();
        }
        ProviderMetrics apiKey = compiler.metrics().provider("api-key");
        ProviderMetrics jwt = compiler.metrics().provider("jwt:hs");
        assertThat(apiKey.outcomes(AuthReason.OK)).isEqualTo(1);
        assertThat(apiKey.outcomes(AuthReason.UNKNOWN_API_KEY)).isEqualTo(1);
        assertThat(jwt.outcomes(AuthReason.OK)).isEqualTo(1);
        assertThat(jwt.outcomes(AuthReason.MISSING)).isEqualTo(2);
        assertThat(compiler.metrics().providers()).containsOnlyKeys("api-key", "jwt:hs");
    }

    private static SharedConfig shared(String yaml) {
        String withUpstream = "upstreams:\n  u: {targets: [\"http://127.0.0.1:9\"]}\n" + yaml;
        return TestConfigs.withDefaults(withUpstream).shared();
    }
}
