package dev.gateway.node.auth;

import static dev.gateway.node.auth.TestKeys.EC256;
import static dev.gateway.node.auth.TestKeys.EC384;
import static dev.gateway.node.auth.TestKeys.EC521;
import static dev.gateway.node.auth.TestKeys.ED25519;
import static dev.gateway.node.auth.TestKeys.ISSUER;
import static dev.gateway.node.auth.TestKeys.RSA;
import static dev.gateway.node.auth.TestKeys.RSA_OTHER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.config.JwtProvider;
import io.jsonwebtoken.Claims;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Token checks of one provider, with keys given directly and the clock moved by hand. */
class JwtVerifierTest {
    private static final List<String> ASYMMETRIC = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512", "EdDSA");
    private static final KeySet PUBLIC_KEYS = new KeySet(List.of(
            new KeySet.Entry("k-rsa", null, RSA.getPublic()),
            new KeySet.Entry("k-ec256", null, EC256.getPublic()),
            new KeySet.Entry("k-ec384", null, EC384.getPublic()),
            new KeySet.Entry("k-ec521", null, EC521.getPublic()),
            new KeySet.Entry("k-ed", null, ED25519.getPublic())));

    private final ManualClock clock = ManualClock.atSystemTime();
    private final Instant now = clock.instant();

    static Stream<Arguments> everyAlgorithm() {
        return Stream.of(
                Arguments.of("RS256", RSA.getPrivate(), "k-rsa"),
                Arguments.of("RS384", RSA.getPrivate(), "k-rsa"),
                Arguments.of("RS512", RSA.getPrivate(), "k-rsa"),
                Arguments.of("PS256", RSA.getPrivate(), "k-rsa"),
                Arguments.of("PS384", RSA.getPrivate(), "k-rsa"),
                Arguments.of("PS512", RSA.getPrivate(), "k-rsa"),
                Arguments.of("ES256", EC256.getPrivate(), "k-ec256"),
                Arguments.of("ES384", EC384.getPrivate(), "k-ec384"),
                Arguments.of("ES512", EC521.getPrivate(), "k-ec521"),
                Arguments.of("EdDSA", ED25519.getPrivate(), "k-ed"),
                Arguments.of("HS256", TestKeys.hsKey("HS256"), null),
                Arguments.of("HS384", TestKeys.hsKey("HS384"), "any-kid"),
                Arguments.of("HS512", TestKeys.hsKey("HS512"), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyAlgorithm")
    void aGoodTokenOfEveryAlgorithmIsAccepted(String alg, Key signingKey, String kid) {
        JwtVerifier verifier = alg.startsWith("HS") ? hmacVerifier(List.of(alg)) : verifier(ASYMMETRIC);

        Claims claims = verifier.verify(TestKeys.token(alg, signingKey, kid, now)).toCompletableFuture().join();

        assertThat(claims.getSubject()).isEqualTo("alice-sub");
    }

    @Test
    void algNoneIsRefusedWithOrWithoutASignature() {
        JwtVerifier verifier = verifier(ASYMMETRIC);
        String payload = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"admin\",\"aud\":\"api\"}";

        assertThat(outcome(verifier, TestKeys.unsignedByHand("{\"alg\":\"none\"}", payload, "")))
                .isEqualTo(AuthReason.MALFORMED);
        assertThat(outcome(verifier, TestKeys.unsignedByHand("{\"alg\":\"none\",\"kid\":\"k-rsa\"}", payload, "c2ln")))
                .isEqualTo(AuthReason.ALGORITHM);
        assertThat(outcome(verifier, TestKeys.unsignedByHand("{\"alg\":\"NONE\"}", payload, "c2ln")))
                .isEqualTo(AuthReason.ALGORITHM);
    }

    @Test
    void hs256SignedWithThePublicKeyAsSecretIsRefused() {
        JwtVerifier verifier = verifier(List.of("RS256"));
        String header = "{\"alg\":\"HS256\",\"kid\":\"k-rsa\",\"typ\":\"JWT\"}";
        String payload = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"admin\",\"aud\":\"api\",\"exp\":"
                + (now.getEpochSecond() + 600) + "}";

        String withPem = TestKeys.hs256ByHand(header, payload, TestKeys.pem(RSA.getPublic()).getBytes(StandardCharsets.US_ASCII));
        String withDer = TestKeys.hs256ByHand(header, payload, RSA.getPublic().getEncoded());

        assertThat(outcome(verifier, withPem)).isEqualTo(AuthReason.ALGORITHM);
        assertThat(outcome(verifier, withDer)).isEqualTo(AuthReason.ALGORITHM);
        assertThat(outcome(verifier(ASYMMETRIC), withPem)).isEqualTo(AuthReason.ALGORITHM);
    }

    @Test
    void anAlgorithmOutsideTheProvidersListIsRefused() {
        assertThat(outcome(verifier(List.of("RS256")), TestKeys.token("RS384", RSA.getPrivate(), "k-rsa", now)))
                .isEqualTo(AuthReason.ALGORITHM);
        assertThat(outcome(verifier(List.of("RS256")), TestKeys.token("ES256", EC256.getPrivate(), "k-ec256", now)))
                .isEqualTo(AuthReason.ALGORITHM);
    }

    @Test
    void aKeyOfAnotherTypeThanTheAlgorithmNeedsIsNeverUsed() {
        JwtVerifier verifier = verifier(ASYMMETRIC);

        assertThat(outcome(verifier, TestKeys.token("ES256", EC256.getPrivate(), "k-rsa", now)))
                .isEqualTo(AuthReason.UNKNOWN_KEY);
        assertThat(outcome(verifier, TestKeys.token("ES384", EC384.getPrivate(), "k-ec256", now)))
                .isEqualTo(AuthReason.UNKNOWN_KEY);
    }

    @Test
    void expiryHonoursTheClockSkewAndTheInjectedClock() {
        JwtVerifier verifier = verifier(List.of("RS256"));
        String token = TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now,
                b -> b.expiration(Date.from(now.plusSeconds(60))));

        assertThat(outcome(verifier, token)).isEqualTo(AuthReason.OK);
        clock.advance(Duration.ofSeconds(60 + 29));
        assertThat(outcome(verifier, token)).isEqualTo(AuthReason.OK);
        clock.advance(Duration.ofSeconds(2));
        assertThat(outcome(verifier, token)).isEqualTo(AuthReason.EXPIRED);
    }

    @Test
    void notBeforeHonoursTheClockSkewAndTheInjectedClock() {
        JwtVerifier verifier = verifier(List.of("RS256"));
        String token = TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now,
                b -> b.notBefore(Date.from(now.plusSeconds(120))));

        assertThat(outcome(verifier, token)).isEqualTo(AuthReason.NOT_YET_VALID);
        clock.advance(Duration.ofSeconds(91));
        assertThat(outcome(verifier, token)).isEqualTo(AuthReason.OK);
    }

    @Test
    void theIssuerMustMatchExactly() {
        JwtVerifier verifier = verifier(List.of("RS256"));

        assertThat(outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now,
                b -> b.issuer("https://evil.test")))).isEqualTo(AuthReason.ISSUER);
        assertThat(outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now,
                b -> b.issuer(null)))).isEqualTo(AuthReason.ISSUER);
    }

    @Test
    void oneOfTheAudiencesMustBeInTheToken() {
        JwtVerifier verifier = verifier(List.of("RS256"), List.of("api", "admin-api"), List.of(), 8192);

        assertThat(outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now,
                b -> b.audience().add("other").and()))).isEqualTo(AuthReason.OK); // aud: [api, other]
        assertThat(outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now,
                b -> b.claim("aud", "admin-api")))).isEqualTo(AuthReason.OK);
        assertThat(outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now,
                b -> b.claim("aud", "other")))).isEqualTo(AuthReason.AUDIENCE);
        assertThat(outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now,
                b -> b.claim("aud", List.of("x", "y"))))).isEqualTo(AuthReason.AUDIENCE);
        assertThat(outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now,
                b -> b.claim("aud", null)))).isEqualTo(AuthReason.AUDIENCE);
        assertThat(outcome(verifier(List.of("RS256"), List.of(), List.of(), 8192),
                TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now, b -> b.claim("aud", "other"))))
                .as("no audiences configured: any audience").isEqualTo(AuthReason.OK);
    }

    @Test
    void aTamperedOrForeignSignatureIsRefused() {
        JwtVerifier verifier = verifier(List.of("RS256", "ES256"));

        assertThat(outcome(verifier, TestKeys.withBadSignature(TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now))))
                .isEqualTo(AuthReason.BAD_SIGNATURE);
        assertThat(outcome(verifier, TestKeys.withBadSignature(TestKeys.token("ES256", EC256.getPrivate(), "k-ec256", now))))
                .isIn(AuthReason.BAD_SIGNATURE, AuthReason.MALFORMED);
        assertThat(outcome(verifier, TestKeys.token("RS256", RSA_OTHER.getPrivate(), "k-rsa", now)))
                .isEqualTo(AuthReason.BAD_SIGNATURE);
    }

    @Test
    void malformedTokensAreRefused() {
        JwtVerifier verifier = verifier(List.of("RS256"));
        String good = TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now);
        String[] parts = good.split("\\.");

        assertThat(outcome(verifier, parts[0] + ".!!!!." + parts[2])).isEqualTo(AuthReason.MALFORMED);
        assertThat(outcome(verifier, parts[0] + ".e30~x." + parts[2])).isEqualTo(AuthReason.MALFORMED);
        assertThat(outcome(verifier, "bm90IGpzb24." + parts[1] + "." + parts[2])).isEqualTo(AuthReason.MALFORMED);
        assertThat(outcome(verifier, "opaque-token-without-dots")).isEqualTo(AuthReason.MALFORMED);
        assertThat(outcome(verifier, good + ".x.y")).as("JWE shape").isEqualTo(AuthReason.MALFORMED);
        assertThat(outcome(verifier, parts[0] + "." + parts[1] + ".")).isEqualTo(AuthReason.MALFORMED);
    }

    @Test
    void aTokenOverTheSizeLimitIsRefusedBeforeParsing() {
        JwtVerifier verifier = verifier(List.of("RS256"), List.of("api"), List.of(), 1024);
        String big = TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now, b -> b.claim("pad", "x".repeat(1024)));
        String small = TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now);

        assertThat(outcome(verifier, big)).isEqualTo(AuthReason.TOO_LARGE);
        assertThat(outcome(verifier, "x".repeat(5000))).isEqualTo(AuthReason.TOO_LARGE);
        assertThat(outcome(verifier, small)).isEqualTo(AuthReason.OK);
    }

    @Test
    void aMissingRequiredClaimIsForbiddenNotUnauthorized() {
        JwtVerifier verifier = verifier(List.of("RS256"), List.of("api"), List.of("scope", "tenant"), 8192);

        AuthReason missing = outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now,
                b -> b.claim("scope", "read")));
        AuthReason present = outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), "k-rsa", now,
                b -> b.claim("scope", "read").claim("tenant", "t1")));

        assertThat(missing).isEqualTo(AuthReason.MISSING_CLAIM);
        assertThat(missing.status()).isEqualTo(403);
        assertThat(present).isEqualTo(AuthReason.OK);
    }

    @Test
    void keysAreFoundByKidOrAsTheOnlyFittingKey() {
        JwtVerifier verifier = verifier(List.of("RS256", "ES256"));
        JwtVerifier twoRsaKeys = new JwtVerifier(provider(List.of("RS256"), List.of("api"), List.of(), 8192),
                KeySource.fixed(new KeySet(List.of(new KeySet.Entry("a", null, RSA.getPublic()),
                        new KeySet.Entry("b", null, RSA_OTHER.getPublic())))), clock);

        assertThat(outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), "k-unknown", now)))
                .isEqualTo(AuthReason.UNKNOWN_KEY);
        assertThat(outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), null, now)))
                .as("the only RSA key").isEqualTo(AuthReason.OK);
        assertThat(outcome(twoRsaKeys, TestKeys.token("RS256", RSA.getPrivate(), null, now)))
                .as("two RSA keys: the token must say which").isEqualTo(AuthReason.UNKNOWN_KEY);
        assertThat(outcome(twoRsaKeys, TestKeys.token("RS256", RSA_OTHER.getPrivate(), "b", now))).isEqualTo(AuthReason.OK);
    }

    @Test
    void aJwksKeyThatNamesAnotherAlgorithmIsNotUsed() {
        JwtVerifier verifier = new JwtVerifier(provider(List.of("RS256", "PS256"), List.of("api"), List.of(), 8192),
                KeySource.fixed(new KeySet(List.of(new KeySet.Entry("k", "PS256", RSA.getPublic())))), clock);

        assertThat(outcome(verifier, TestKeys.token("PS256", RSA.getPrivate(), "k", now))).isEqualTo(AuthReason.OK);
        assertThat(outcome(verifier, TestKeys.token("RS256", RSA.getPrivate(), "k", now))).isEqualTo(AuthReason.UNKNOWN_KEY);
    }

    static AuthReason outcome(JwtVerifier verifier, String token) {
        try {
            verifier.verify(token).toCompletableFuture().join();
            return AuthReason.OK;
        } catch (CompletionException e) {
            if (e.getCause() instanceof AuthRejection r) {
                return r.reason();
            }
            throw e;
        }
    }

    private JwtVerifier verifier(List<String> algorithms) {
        return verifier(algorithms, List.of("api"), List.of(), 8192);
    }

    private JwtVerifier verifier(List<String> algorithms, List<String> audiences, List<String> required, int maxBytes) {
        return new JwtVerifier(provider(algorithms, audiences, required, maxBytes), KeySource.fixed(PUBLIC_KEYS), clock);
    }

    private JwtVerifier hmacVerifier(List<String> algorithms) {
        JwtProvider p = new JwtProvider("hs", ISSUER, List.of("api"), null, List.of(), TestKeys.HS_SECRET, algorithms,
                Duration.ofSeconds(30), List.of(), 8192, Duration.ofMinutes(5));
        List<KeySet.Entry> entries = new ArrayList<>();
        for (String alg : algorithms) {
            entries.add(new KeySet.Entry(null, alg, TestKeys.hsKey(alg)));
        }
        return new JwtVerifier(p, KeySource.fixed(new KeySet(entries)), clock);
    }

    static JwtProvider provider(List<String> algorithms, List<String> audiences, List<String> required, int maxBytes) {
        return new JwtProvider("main", ISSUER, audiences, URI.create("http://127.0.0.1:1/jwks.json"), List.of(), null,
                algorithms, Duration.ofSeconds(30), required, maxBytes, Duration.ofMinutes(5));
    }
}
