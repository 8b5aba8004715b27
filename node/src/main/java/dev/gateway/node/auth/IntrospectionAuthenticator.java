package dev.gateway.node.auth;

import dev.gateway.config.IntrospectionProvider;
import dev.gateway.node.http.ErrorResponses;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code introspection:<id>}: an opaque bearer token checked by the provider's RFC 7662 endpoint.
 * Active verdicts are cached {@code cache-for}, never past the token's {@code exp}; concurrent
 * requests with the same uncached token share one call. Inactive, expired or not yet valid tokens
 * are 401; an endpoint that fails, answers garbage or exceeds {@code timeout} is 503. The subject
 * ({@code sub}, else {@code client_id}) names the consumer as for JWTs.
 *
 * <p>Cache keys are SHA-256 hashes of the tokens, so the gateway's heap holds no token.
 */
final class IntrospectionAuthenticator implements Authenticator {
    private static final Logger log = LoggerFactory.getLogger(IntrospectionAuthenticator.class);
    private static final long WARN_EVERY_MILLIS = 10_000;

    private final String id;
    private final IntrospectionProvider config;
    private final IntrospectionClient client;
    private final Consumers consumers;
    private final Clock clock;
    private final ProviderMetrics metrics;
    private final IntrospectionCache cache;
    private final ConcurrentMap<String, CompletableFuture<AuthResult>> pending = new ConcurrentHashMap<>();
    private final AtomicLong lastWarnMillis = new AtomicLong(Long.MIN_VALUE / 2);

    IntrospectionAuthenticator(IntrospectionProvider config, IntrospectionClient client, Consumers consumers,
                               Clock clock, ProviderMetrics metrics, int maxCacheEntries) {
        this.id = "introspection:" + config.id();
        this.config = config;
        this.client = client;
        this.consumers = consumers;
        this.clock = clock;
        this.metrics = metrics;
        this.cache = new IntrospectionCache(maxCacheEntries);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Credential credential() {
        return Credential.BEARER_TOKEN;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(String token) {
        String key = HexFormat.of().formatHex(ApiKeys.sha256().digest(token.getBytes(StandardCharsets.UTF_8)));
        AuthResult cached = cache.get(key, clock.millis());
        if (cached != null) {
            metrics.cache(true);
            return CompletableFuture.completedFuture(cached);
        }
        metrics.cache(false);
        CompletableFuture<AuthResult> mine = new CompletableFuture<>();
        CompletableFuture<AuthResult> running = pending.putIfAbsent(key, mine);
        if (running != null) {
            return running.copy();
        }
        long start = System.nanoTime();
        client.introspect(token).whenComplete((answer, failure) -> {
            metrics.introspected(System.nanoTime() - start);
            try {
                AuthResult result = failure == null ? verdict(answer, key) : unavailable(failure);
                pending.remove(key, mine);
                mine.complete(result);
            } catch (RuntimeException bug) {
                pending.remove(key, mine);
                mine.completeExceptionally(bug);
            }
        });
        return mine.copy();
    }

    private AuthResult verdict(IntrospectionClient.Answer answer, String key) {
        if (!answer.active()) {
            return AuthResult.refused(AuthReason.INACTIVE, "token is not active");
        }
        long now = clock.millis();
        if (answer.exp() != null && millis(answer.exp()) <= now) {
            return AuthResult.refused(AuthReason.EXPIRED, "token expired");
        }
        if (answer.nbf() != null && millis(answer.nbf()) > now) {
            return AuthResult.refused(AuthReason.NOT_YET_VALID, "token not yet valid");
        }
        String subject = answer.subject();
        if (subject != null && !JwtAuthenticator.headerSafe(subject)) {
            return AuthResult.refused(AuthReason.SUBJECT, "token subject is not a printable ASCII string");
        }
        AuthResult ok = AuthResult.ok(consumers.principalOf(subject));
        long until = now + config.cacheFor().toMillis();
        if (answer.exp() != null) {
            until = Math.min(until, millis(answer.exp()));
        }
        if (until > now) {
            cache.put(key, ok, until);
        }
        return ok;
    }

    private AuthResult unavailable(Throwable failure) {
        long now = System.currentTimeMillis();
        long last = lastWarnMillis.get();
        if (now - last >= WARN_EVERY_MILLIS && lastWarnMillis.compareAndSet(last, now)) {
            log.warn("auth provider {}: introspection endpoint {} unavailable ({}); answering 503", id, config.url(),
                    ErrorResponses.unwrap(failure).toString());
        }
        return AuthResult.refused(AuthReason.UNAVAILABLE, "token introspection unavailable");
    }

    /** Epoch seconds to millis, saturating instead of overflowing on absurd values. */
    private static long millis(long seconds) {
        return seconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds < Long.MIN_VALUE / 1000 ? Long.MIN_VALUE : seconds * 1000;
    }

    int cacheSize() {
        return cache.size();
    }

    @Override
    public String toString() {
        return id;
    }
}
