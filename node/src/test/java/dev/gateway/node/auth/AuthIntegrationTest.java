package dev.gateway.node.auth;

import static dev.gateway.node.auth.TestKeys.EC256;
import static dev.gateway.node.auth.TestKeys.ISSUER;
import static dev.gateway.node.auth.TestKeys.RSA;
import static dev.gateway.node.auth.TestKeys.RSA_OTHER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End to end through a real node, a recording upstream, a real JWKS endpoint and a real
 * introspection endpoint: every refusal has the right status and reaches no upstream; every
 * success reaches it with the identity headers and without the credential.
 */
class AuthIntegrationTest {
    private static final String ALICE_KEY = "alice-key-0123456789";
    private static final String BOB_KEY = "bob-key-0123456789";
    private static final String BEARER_CHALLENGE = "Bearer realm=\"gateway\"";

    private static RecordingUpstream upstream;
    private static FakeJwksServer jwks;
    private static FakeIntrospectionServer introspection;
    private static GatewayNode node;
    private static final SimpleHttp http = new SimpleHttp();

    @BeforeAll
    static void start() throws Exception {
        upstream = RecordingUpstream.start();
        jwks = FakeJwksServer.start();
        jwks.serve("/jwks.json", TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "j1", null),
                TestKeys.jwk(EC256.getPublic(), "j-ec", null)));
        jwks.serve("/rot.json", TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "r1", null)));
        introspection = FakeIntrospectionServer.start();
        introspection.answer("opaque-alice", "{\"active\":true,\"sub\":\"alice-sub\",\"exp\":"
                + (Instant.now().getEpochSecond() + 3600) + "}");
        node = GatewayNode.start(TestConfigs.withDefaults("""
                upstreams:
                  rec: {targets: ["http://127.0.0.1:%1$d"]}
                consumers:
                  alice: {api-keys: ["%2$s"], jwt-subjects: [alice-sub], plan: gold}
                  bob: {api-keys: ["%3$s"]}
                auth:
                  jwt:
                    - {id: rsa, issuer: "%4$s", audiences: [api], keys: [{kid: k1, pem: %5$s}], algorithms: [RS256], max-token-bytes: 1024}
                    - {id: hs, issuer: "%4$s", audiences: [api], hs-secret: "%6$s"}
                    - {id: claims, issuer: "%4$s", hs-secret: "%6$s", required-claims: [scope]}
                    - {id: jwks, issuer: "%4$s", audiences: [api], jwks-url: "%7$s", algorithms: [RS256, ES256]}
                    - {id: rot, issuer: "%4$s", audiences: [api], jwks-url: "%8$s"}
                  api-key: {header: X-API-Key, query: api_key}
                  introspection:
                    - {id: corp, url: "%9$s", client-id: gateway, client-secret: s3cret, cache-for: 60s, timeout: 300ms}
                    - {id: down, url: "http://127.0.0.1:%10$d/introspect", client-id: gateway, client-secret: s3cret}
                routes:
                  - {id: rsa, match: {path: /rsa/**}, upstream: rec, auth: [jwt:rsa]}
                  - {id: hs, match: {path: /hs/**}, upstream: rec, auth: [jwt:hs]}
                  - {id: claims, match: {path: /claims/**}, upstream: rec, auth: [jwt:claims]}
                  - {id: jwks, match: {path: /jwks/**}, upstream: rec, auth: [jwt:jwks]}
                  - {id: rot, match: {path: /rot/**}, upstream: rec, auth: [jwt:rot]}
                  - {id: key, match: {path: /key/**}, upstream: rec, auth: [api-key]}
                  - {id: mixed, match: {path: /mixed/**}, upstream: rec, auth: [jwt:rsa, api-key]}
                  - {id: opaque, match: {path: /opaque/**}, upstream: rec, auth: [introspection:corp]}
                  - {id: down, match: {path: /down/**}, upstream: rec, auth: [introspection:down]}
                  - {id: public, match: {path: /public/**}, upstream: rec}
                """.formatted(upstream.port(), ApiKeys.hash(ALICE_KEY), ApiKeys.hash(BOB_KEY), ISSUER,
                TestKeys.yamlPem(RSA.getPublic()), TestKeys.HS_SECRET, jwks.url("/jwks.json"), jwks.url("/rot.json"),
                introspection.url(), TestConfigs.closedPort())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        introspection.close();
        jwks.close();
        upstream.close();
    }

    @BeforeEach
    void forget() {
        upstream.reset();
    }

    @Test
    void anRs256TokenPassesWithTheConsumerAndWithoutTheCredential() {
        String token = TestKeys.token("RS256", RSA.getPrivate(), "k1", Instant.now());

        HttpResponse<String> response = http.get(node.proxyPort(), "/rsa/orders", "Authorization", "Bearer " + token);

        assertThat(response.statusCode()).isEqualTo(200);
        RecordingUpstream.Recorded seen = upstream.lastRequest();
        assertThat(seen.header("X-Consumer-Id")).isEqualTo("alice");
        assertThat(seen.header("X-Consumer-Plan")).isEqualTo("gold");
        assertThat(seen.header("X-Authenticated-Subject")).isEqualTo("alice-sub");
        assertThat(seen.header("Authorization")).isNull();
        assertThat(seen.rawHead()).doesNotContain(token);
    }

    @Test
    void anHs256TokenOfAnUnlistedSubjectPassesWithTheSubjectAsConsumer() {
        String token = TestKeys.token("HS256", TestKeys.hsKey("HS256"), null, Instant.now(), b -> b.subject("carol"));

        HttpResponse<String> response = http.get(node.proxyPort(), "/hs/x", "Authorization", "bearer " + token);

        assertThat(response.statusCode()).isEqualTo(200);
        RecordingUpstream.Recorded seen = upstream.lastRequest();
        assertThat(seen.header("X-Consumer-Id")).isEqualTo("carol");
        assertThat(seen.header("X-Consumer-Plan")).isNull();
        assertThat(seen.header("X-Authenticated-Subject")).isEqualTo("carol");
        assertThat(seen.header("Authorization")).isNull();
    }

    static Stream<Arguments> badTokens() {
        Instant now = Instant.now();
        String payload = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"admin\",\"aud\":\"api\",\"exp\":" + (now.getEpochSecond() + 600) + "}";
        String good = TestKeys.token("RS256", RSA.getPrivate(), "k1", now);
        String[] parts = good.split("\\.");
        return Stream.of(
                Arguments.of("alg none", TestKeys.unsignedByHand("{\"alg\":\"none\",\"kid\":\"k1\"}", payload, "c2ln")),
                Arguments.of("alg none, no signature", TestKeys.unsignedByHand("{\"alg\":\"none\"}", payload, "")),
                Arguments.of("HS256 with the RSA public key as secret", TestKeys.hs256ByHand(
                        "{\"alg\":\"HS256\",\"kid\":\"k1\"}", payload, TestKeys.pem(RSA.getPublic()).getBytes(StandardCharsets.US_ASCII))),
                Arguments.of("expired", TestKeys.token("RS256", RSA.getPrivate(), "k1", now,
                        b -> b.expiration(Date.from(now.minusSeconds(120))))),
                Arguments.of("not yet valid", TestKeys.token("RS256", RSA.getPrivate(), "k1", now,
                        b -> b.notBefore(Date.from(now.plusSeconds(600))))),
                Arguments.of("wrong issuer", TestKeys.token("RS256", RSA.getPrivate(), "k1", now, b -> b.issuer("https://evil.test"))),
                Arguments.of("wrong audience", TestKeys.token("RS256", RSA.getPrivate(), "k1", now, b -> b.claim("aud", "other"))),
                Arguments.of("unknown kid", TestKeys.token("RS256", RSA.getPrivate(), "k-unknown", now)),
                Arguments.of("bad signature", TestKeys.withBadSignature(good)),
                Arguments.of("signed by another key", TestKeys.token("RS256", RSA_OTHER.getPrivate(), "k1", now)),
                Arguments.of("malformed base64", parts[0] + ".e30~x." + parts[2]),
                Arguments.of("over the size limit", TestKeys.token("RS256", RSA.getPrivate(), "k1", now,
                        b -> b.claim("pad", "x".repeat(1200)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void aBadTokenIs401WithInvalidTokenAndReachesNoUpstream(String what, String token) {
        HttpResponse<String> response = http.get(node.proxyPort(), "/rsa/x", "Authorization", "Bearer " + token);

        JsonErrors.assertErrorBody(401, response);
        assertThat(response.headers().allValues("WWW-Authenticate"))
                .singleElement().asString().startsWith(BEARER_CHALLENGE + ", error=\"invalid_token\", error_description=\"");
        assertThat(response.body()).doesNotContain(token);
        assertThat(upstream.heads()).as("%s reached the upstream", what).isZero();
    }

    @Test
    void aRefusedRequestWithABodyIsAnsweredAndItsConnectionStaysUsable() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest post = HttpRequest.newBuilder(SimpleHttp.uri(node.proxyPort(), "/rsa/upload"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[256 * 1024])).build();

        HttpResponse<String> first = client.send(post, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = client.send(post, HttpResponse.BodyHandlers.ofString());

        JsonErrors.assertErrorBody(401, first);
        JsonErrors.assertErrorBody(401, second);
        assertThat(upstream.heads()).isZero();
    }

    /**
     * An early answer that ends its connection while the client is still sending a large body reaches the client
     * every time: the connection lingers (reading and dropping the body) instead of closing with unread bytes,
     * which resets it and can destroy the answer ("header parser received no bytes" within 60 tries before).
     */
    @Test
    void everyRefusalOfALargeUploadArrives() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest post = HttpRequest.newBuilder(SimpleHttp.uri(node.proxyPort(), "/rsa/upload"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[256 * 1024])).build();
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> refused = client.send(post, HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as("try %d", i).isEqualTo(401);
        }
        assertThat(upstream.heads()).isZero();
    }

    @Test
    void noTokenIs401WithAPlainChallenge() {
        HttpResponse<String> none = http.get(node.proxyPort(), "/rsa/x");
        HttpResponse<String> basic = http.get(node.proxyPort(), "/rsa/x", "Authorization", "Basic YWxpY2U6cHc=");

        JsonErrors.assertErrorBody(401, none);
        JsonErrors.assertErrorBody(401, basic);
        assertThat(none.headers().allValues("WWW-Authenticate")).containsExactly(BEARER_CHALLENGE);
        assertThat(basic.headers().allValues("WWW-Authenticate")).containsExactly(BEARER_CHALLENGE);
        assertThat(upstream.heads()).isZero();
    }

    @Test
    void twoAuthorizationHeadersAreABadRequest() {
        String token = TestKeys.token("RS256", RSA.getPrivate(), "k1", Instant.now());

        HttpResponse<String> response = http.get(node.proxyPort(), "/rsa/x",
                "Authorization", "Bearer " + token, "Authorization", "Bearer other");

        JsonErrors.assertErrorBody(400, response);
        assertThat(upstream.heads()).isZero();
    }

    @Test
    void aMissingRequiredClaimIs403AndReachesNoUpstream() {
        Instant now = Instant.now();
        String without = TestKeys.token("HS256", TestKeys.hsKey("HS256"), null, now);
        String with = TestKeys.token("HS256", TestKeys.hsKey("HS256"), null, now, b -> b.claim("scope", "orders:read"));

        HttpResponse<String> forbidden = http.get(node.proxyPort(), "/claims/x", "Authorization", "Bearer " + without);

        JsonErrors.assertErrorBody(403, forbidden);
        assertThat(forbidden.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                assertThat(v).startsWith(BEARER_CHALLENGE + ", error=\"insufficient_scope\""));
        assertThat(upstream.heads()).isZero();
        assertThat(http.get(node.proxyPort(), "/claims/x", "Authorization", "Bearer " + with).statusCode()).isEqualTo(200);
    }

    @Test
    void theRightApiKeyInTheHeaderPassesAsItsConsumerAndIsNotForwarded() {
        HttpResponse<String> response = http.get(node.proxyPort(), "/key/x", "X-API-Key", ALICE_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        RecordingUpstream.Recorded seen = upstream.lastRequest();
        assertThat(seen.header("X-Consumer-Id")).isEqualTo("alice");
        assertThat(seen.header("X-Consumer-Plan")).isEqualTo("gold");
        assertThat(seen.header("X-Authenticated-Subject")).isNull();
        assertThat(seen.header("X-API-Key")).isNull();
        assertThat(seen.rawHead()).doesNotContain(ALICE_KEY);
    }

    @Test
    void theRightApiKeyInTheQueryPassesAndIsRemovedFromTheQuery() {
        HttpResponse<String> response = http.get(node.proxyPort(), "/key/x?a=1&api_key=" + BOB_KEY + "&b=2");

        assertThat(response.statusCode()).isEqualTo(200);
        RecordingUpstream.Recorded seen = upstream.lastRequest();
        assertThat(seen.target()).isEqualTo("/key/x?a=1&b=2");
        assertThat(seen.header("X-Consumer-Id")).isEqualTo("bob");
        assertThat(seen.header("X-Consumer-Plan")).isNull();
    }

    @Test
    void aWrongOrMissingApiKeyIs401AndReachesNoUpstream() {
        HttpResponse<String> wrong = http.get(node.proxyPort(), "/key/x", "X-API-Key", "guess-0123456789");
        HttpResponse<String> missing = http.get(node.proxyPort(), "/key/x");
        HttpResponse<String> wrongInQuery = http.get(node.proxyPort(), "/key/x?api_key=guess");

        JsonErrors.assertErrorBody(401, wrong);
        JsonErrors.assertErrorBody(401, missing);
        JsonErrors.assertErrorBody(401, wrongInQuery);
        assertThat(wrong.headers().allValues("WWW-Authenticate"))
                .containsExactly("ApiKey realm=\"gateway\", header=\"X-API-Key\", query=\"api_key\"");
        assertThat(upstream.heads()).isZero();
    }

    @Test
    void anyOneProviderOfTheRouteSuffices() {
        String badJwt = TestKeys.withBadSignature(TestKeys.token("RS256", RSA.getPrivate(), "k1", Instant.now()));

        HttpResponse<String> keyOnly = http.get(node.proxyPort(), "/mixed/x", "X-API-Key", BOB_KEY);
        HttpResponse<String> badJwtGoodKey = http.get(node.proxyPort(), "/mixed/x",
                "Authorization", "Bearer " + badJwt, "X-API-Key", BOB_KEY);
        int passed = upstream.heads();
        HttpResponse<String> badJwtNoKey = http.get(node.proxyPort(), "/mixed/x", "Authorization", "Bearer " + badJwt);

        assertThat(keyOnly.statusCode()).isEqualTo(200);
        assertThat(badJwtGoodKey.statusCode()).isEqualTo(200);
        assertThat(upstream.lastRequest().header("Authorization")).isNull();
        JsonErrors.assertErrorBody(401, badJwtNoKey);
        assertThat(badJwtNoKey.headers().allValues("WWW-Authenticate")).hasSize(2)
                .anySatisfy(v -> assertThat(v).contains("error=\"invalid_token\""))
                .anySatisfy(v -> assertThat(v).startsWith("ApiKey realm=\"gateway\""));
        assertThat(upstream.heads()).isEqualTo(passed);
    }

    @Test
    void spoofedIdentityHeadersNeverReachTheUpstream() {
        HttpResponse<String> anonymous = http.get(node.proxyPort(), "/public/x",
                "X-Consumer-Id", "admin", "X-Consumer-Plan", "platinum", "X-Authenticated-Subject", "root");
        RecordingUpstream.Recorded publicSeen = upstream.lastRequest();
        HttpResponse<String> asBob = http.get(node.proxyPort(), "/key/x", "X-API-Key", BOB_KEY,
                "X-Consumer-Id", "alice", "X-Consumer-Plan", "platinum", "X-Authenticated-Subject", "alice-sub");
        RecordingUpstream.Recorded bobSeen = upstream.lastRequest();

        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(publicSeen.header("X-Consumer-Id")).isNull();
        assertThat(publicSeen.header("X-Consumer-Plan")).isNull();
        assertThat(publicSeen.header("X-Authenticated-Subject")).isNull();
        assertThat(asBob.statusCode()).isEqualTo(200);
        assertThat(bobSeen.headers().stream().filter(h -> h[0].equalsIgnoreCase("X-Consumer-Id")).map(h -> h[1]))
                .containsExactly("bob");
        assertThat(bobSeen.header("X-Consumer-Plan")).isNull();
        assertThat(bobSeen.header("X-Authenticated-Subject")).isNull();
    }

    @Test
    void anActiveOpaqueTokenPassesAndAnInactiveOneIs401() {
        HttpResponse<String> active = http.get(node.proxyPort(), "/opaque/x", "Authorization", "Bearer opaque-alice");
        RecordingUpstream.Recorded seen = upstream.lastRequest();
        upstream.reset();
        HttpResponse<String> inactive = http.get(node.proxyPort(), "/opaque/x", "Authorization", "Bearer revoked-token");

        assertThat(active.statusCode()).isEqualTo(200);
        assertThat(seen.header("X-Consumer-Id")).isEqualTo("alice");
        assertThat(seen.header("X-Authenticated-Subject")).isEqualTo("alice-sub");
        assertThat(seen.header("Authorization")).isNull();
        JsonErrors.assertErrorBody(401, inactive);
        assertThat(inactive.headers().firstValue("WWW-Authenticate")).hasValue(
                BEARER_CHALLENGE + ", error=\"invalid_token\", error_description=\"token is not active\"");
        assertThat(upstream.heads()).isZero();
    }

    @Test
    void anIntrospectionEndpointThatIsDownIs503() {
        HttpResponse<String> response = http.get(node.proxyPort(), "/down/x", "Authorization", "Bearer some-token");

        JsonErrors.assertErrorBody(503, response);
        assertThat(upstream.heads()).isZero();
    }

    @Test
    void aSlowIntrospectionEndpointIs503AsSoonAsTheTimeoutExpires() {
        long start = System.nanoTime();
        HttpResponse<String> response = http.get(node.proxyPort(), "/opaque/x", "Authorization", "Bearer slow");
        long millis = (System.nanoTime() - start) / 1_000_000;

        JsonErrors.assertErrorBody(503, response);
        assertThat(millis).isLessThan(1500);
        assertThat(upstream.heads()).isZero();
    }

    @Test
    void jwksTokensPassAndTwentyConcurrentUnknownKidsFetchTheJwksOnce() throws Exception {
        Instant now = Instant.now();
        assertThat(http.get(node.proxyPort(), "/jwks/x", "Authorization",
                "Bearer " + TestKeys.token("ES256", EC256.getPrivate(), "j-ec", now)).statusCode()).isEqualTo(200);
        int before = jwks.hits("/jwks.json");
        upstream.reset();
        String unknown = "Bearer " + TestKeys.token("RS256", RSA_OTHER.getPrivate(), "j-made-up", now);

        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            burst.add(http.getAsync(node.proxyPort(), "/jwks/x", "Authorization", unknown));
        }

        assertThat(burst).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(401));
        assertThat(jwks.hits("/jwks.json")).isEqualTo(before + 1);
        assertThat(upstream.heads()).isZero();
    }

    @Test
    void aKeyRotatedInTheJwksIsPickedUp() {
        Instant now = Instant.now();
        assertThat(http.get(node.proxyPort(), "/rot/x", "Authorization",
                "Bearer " + TestKeys.token("RS256", RSA.getPrivate(), "r1", now)).statusCode()).isEqualTo(200);

        jwks.serve("/rot.json", TestKeys.jwks(TestKeys.jwk(RSA_OTHER.getPublic(), "r2", null)));
        HttpResponse<String> rotated = http.get(node.proxyPort(), "/rot/x", "Authorization",
                "Bearer " + TestKeys.token("RS256", RSA_OTHER.getPrivate(), "r2", now));

        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(upstream.lastRequest().header("X-Authenticated-Subject")).isEqualTo("alice-sub");
    }
}
