package dev.gateway.node.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The link's rules: order, which verdict answers, what goes upstream, what the exchange records. */
class AuthInterceptorTest {
    private final AuthMetrics metrics = new AuthMetrics();

    @Test
    void theFirstAcceptingProviderWinsAndLaterOnesAreNotAsked() {
        FixedAuthenticator bad = new FixedAuthenticator("jwt:a", Authenticator.Credential.BEARER_TOKEN,
                AuthResult.refused(AuthReason.BAD_SIGNATURE, "invalid signature"));
        FixedAuthenticator good = new FixedAuthenticator("introspection:b", Authenticator.Credential.BEARER_TOKEN,
                AuthResult.ok(new Principal("alice", "gold", "alice-sub")));
        FixedAuthenticator never = new FixedAuthenticator("api-key", Authenticator.Credential.API_KEY,
                AuthResult.ok(new Principal("bob", null, null)));
        RecordingChain chain = RecordingChain.get("/x?api_key=k&y=1", "Authorization", "Bearer abc.def", "X-API-Key", "k");

        GatewayResponse response = link(List.of(bad, good, never), "X-API-Key", "api_key").intercept(chain)
                .toCompletableFuture().join();

        assertThat(response.status()).isEqualTo(200);
        assertThat(bad.seen).containsExactly("abc.def");
        assertThat(good.seen).containsExactly("abc.def");
        assertThat(never.seen).isEmpty();
        assertThat(chain.proceeded.headers().get("Authorization")).isNull();
        assertThat(chain.proceeded.headers().get("X-API-Key")).isNull();
        assertThat(chain.proceeded.query()).isEqualTo("y=1");
        assertThat(chain.proceeded.headers().get("X-Consumer-Id")).isEqualTo("alice");
        assertThat(chain.proceeded.headers().get("X-Consumer-Plan")).isEqualTo("gold");
        assertThat(chain.proceeded.headers().get("X-Authenticated-Subject")).isEqualTo("alice-sub");
        assertThat(chain.proceeded.exchange().consumerId()).isEqualTo("alice");
        assertThat(chain.proceeded.exchange().consumerPlan()).isEqualTo("gold");
        assertThat(chain.proceeded.exchange().subject()).isEqualTo("alice-sub");
        assertThat(metrics.provider("jwt:a").outcomes(AuthReason.BAD_SIGNATURE)).isEqualTo(1);
        assertThat(metrics.provider("introspection:b").outcomes(AuthReason.OK)).isEqualTo(1);
    }

    @Test
    void providersWhoseCredentialIsAbsentAreSkippedAndCountedMissing() {
        FixedAuthenticator token = new FixedAuthenticator("jwt:a", Authenticator.Credential.BEARER_TOKEN,
                AuthResult.ok(new Principal("x", null, "x")));
        FixedAuthenticator key = new FixedAuthenticator("api-key", Authenticator.Credential.API_KEY,
                AuthResult.ok(new Principal("bob", null, null)));
        RecordingChain chain = RecordingChain.get("/x", "X-API-Key", "k", "Authorization", "Basic Ym9iOnB3");

        link(List.of(token, key), "X-API-Key", null).intercept(chain).toCompletableFuture().join();

        assertThat(token.seen).isEmpty();
        assertThat(chain.proceeded.exchange().consumerId()).isEqualTo("bob");
        assertThat(chain.proceeded.exchange().subject()).isNull();
        assertThat(metrics.provider("jwt:a").outcomes(AuthReason.MISSING)).isEqualTo(1);
    }

    @Test
    void anUndecidedProviderMakesIt503EvenIfAnotherRefused() {
        GatewayException e = refusal(List.of(
                new FixedAuthenticator("api-key", Authenticator.Credential.API_KEY,
                        AuthResult.refused(AuthReason.UNKNOWN_API_KEY, "invalid API key")),
                new FixedAuthenticator("introspection:b", Authenticator.Credential.BEARER_TOKEN,
                        AuthResult.refused(AuthReason.UNAVAILABLE, "token introspection unavailable"))),
                RecordingChain.get("/x", "X-API-Key", "k", "Authorization", "Bearer t"));

        assertThat(e.status()).isEqualTo(503);
        assertThat(e.headers()).isNull();
    }

    @Test
    void aGenuineTokenWithoutARequiredClaimIs403WithInsufficientScope() {
        GatewayException e = refusal(List.of(
                new FixedAuthenticator("jwt:a", Authenticator.Credential.BEARER_TOKEN,
                        AuthResult.refused(AuthReason.MISSING_CLAIM, "missing required claim 'scope'")),
                new FixedAuthenticator("api-key", Authenticator.Credential.API_KEY,
                        AuthResult.refused(AuthReason.UNKNOWN_API_KEY, "invalid API key"))),
                RecordingChain.get("/x", "X-API-Key", "k", "Authorization", "Bearer t"));

        assertThat(e.status()).isEqualTo(403);
        assertThat(e.headers().getAll("WWW-Authenticate")).containsExactly("Bearer realm=\"gateway\", "
                + "error=\"insufficient_scope\", error_description=\"missing required claim 'scope'\"");
    }

    @Test
    void noCredentialAtAllIs401WithEveryChallengeAndNoError() {
        GatewayException e = refusal(List.of(
                new FixedAuthenticator("jwt:a", Authenticator.Credential.BEARER_TOKEN, AuthResult.ok(new Principal("x", null, "x"))),
                new FixedAuthenticator("api-key", Authenticator.Credential.API_KEY, AuthResult.ok(new Principal("y", null, null)))),
                RecordingChain.get("/x"));

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.getMessage()).isEqualTo("missing credentials");
        assertThat(e.headers().getAll("WWW-Authenticate"))
                .containsExactly("Bearer realm=\"gateway\"", "ApiKey realm=\"gateway\", header=\"X-API-Key\"");
    }

    @Test
    void aBearerTokenThatIsNotAB64tokenIsRefusedWithoutAskingTheProvider() {
        FixedAuthenticator provider = new FixedAuthenticator("introspection:b", Authenticator.Credential.BEARER_TOKEN,
                AuthResult.ok(new Principal("x", null, "x")));

        GatewayException e = refusal(List.of(provider), RecordingChain.get("/x", "Authorization", "Bearer a b\"c"));

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.headers().get("WWW-Authenticate")).isEqualTo(
                "Bearer realm=\"gateway\", error=\"invalid_token\", error_description=\"malformed bearer token\"");
        assertThat(provider.seen).isEmpty();
    }

    @Test
    void b64tokenFollowsRfc6750() {
        assertThat(AuthInterceptor.b64token("abc.DEF-_~+/09==")).isTrue();
        assertThat(AuthInterceptor.b64token("")).isFalse();
        assertThat(AuthInterceptor.b64token("==")).isFalse();
        assertThat(AuthInterceptor.b64token("a=b")).isFalse();
        assertThat(AuthInterceptor.b64token("a b")).isFalse();
        assertThat(AuthInterceptor.b64token("a\"b")).isFalse();
    }

    private GatewayException refusal(List<Authenticator> providers, RecordingChain chain) {
        Throwable t = catchThrowable(() -> link(providers, "X-API-Key", null).intercept(chain).toCompletableFuture().join());
        assertThat(t).isInstanceOf(CompletionException.class);
        assertThat(chain.proceeded).isNull();
        return (GatewayException) t.getCause();
    }

    private AuthInterceptor link(List<Authenticator> providers, String header, String query) {
        return new AuthInterceptor(providers, metrics, header, query);
    }

    /** Answers every credential with one verdict and remembers the credentials it saw. */
    private static final class FixedAuthenticator implements Authenticator {
        private final String id;
        private final Credential credential;
        private final AuthResult verdict;
        final List<String> seen = new CopyOnWriteArrayList<>();

        FixedAuthenticator(String id, Credential credential, AuthResult verdict) {
            this.id = id;
            this.credential = credential;
            this.verdict = verdict;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Credential credential() {
            return credential;
        }

        @Override
        public CompletionStage<AuthResult> authenticate(String presented) {
            seen.add(presented);
            return CompletableFuture.supplyAsync(() -> verdict);
        }
    }
}
