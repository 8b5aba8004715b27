package dev.gateway.node.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.config.AuthConfig;
import dev.gateway.config.InlineKey;
import dev.gateway.config.IntrospectionProvider;
import dev.gateway.config.JwtProvider;
import dev.gateway.config.SharedConfig;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds the {@link AuthRuntime} of each config version. One per node: it owns what outlives
 * config versions: the HTTP client for JWKS and introspection calls (created on first need, its
 * threads are daemons that end when idle), the {@link AuthMetrics}, the clock.
 *
 * <p>Thread-safe. Called by the runtime compiler on every config version.
 */
public final class AuthCompiler {
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Duration unknownKeyRefreshInterval;
    private final int introspectionCacheEntries;
    private final AuthMetrics metrics = new AuthMetrics();
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService executor;
    private final AtomicInteger threads = new AtomicInteger();
    private HttpClient http; // guarded by this

    /** With the system clock, at most one unknown-kid JWKS refresh per 10 s, 10k cached introspections per provider. */
    public AuthCompiler(ScheduledExecutorService timer) {
        this(timer, Clock.systemUTC(), JwksKeySource.DEFAULT_UNKNOWN_KEY_INTERVAL, IntrospectionCache.DEFAULT_MAX_ENTRIES);
    }

    /**
     * @param timer                     runs JWKS refresh schedules and introspection timeouts; tasks never block
     * @param clock                     token expiry, cache expiry and the unknown-kid refresh limit
     * @param unknownKeyRefreshInterval at most one JWKS refresh per provider for unknown kids in this time
     * @param introspectionCacheEntries bound of each introspection provider's cache
     */
    public AuthCompiler(ScheduledExecutorService timer, Clock clock, Duration unknownKeyRefreshInterval,
                        int introspectionCacheEntries) {
        this.timer = timer;
        this.clock = clock;
        this.unknownKeyRefreshInterval = unknownKeyRefreshInterval;
        this.introspectionCacheEntries = introspectionCacheEntries;
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "gateway-auth-io-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    public AuthMetrics metrics() {
        return metrics;
    }

    /**
     * Builds every provider of {@code config.auth()}; JWKS sources start their first fetch (in the
     * background) before this returns.
     *
     * @throws AuthConfigException naming every problem (an unreadable PEM, a weak or unusable key)
     */
    public AuthRuntime compile(SharedConfig config) {
        AuthConfig auth = config.auth();
        Consumers consumers = Consumers.of(config.consumers());
        Map<String, Authenticator> providers = new LinkedHashMap<>();
        List<JwksKeySource> jwks = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < auth.jwt().size(); i++) {
            JwtProvider p = auth.jwt().get(i);
            String at = "auth.jwt[" + i + "]";
            KeySource keys;
            if (p.jwksUrl() != null) {
                JwksKeySource source = new JwksKeySource("jwt:" + p.id(), p.jwksUrl(), http(), executor, timer, clock,
                        p.jwksRefresh(), unknownKeyRefreshInterval, metrics.provider("jwt:" + p.id()));
                jwks.add(source);
                keys = source;
            } else if (p.hsSecret() != null) {
                keys = KeySource.fixed(hmacKeys(p, at, problems));
            } else {
                keys = KeySource.fixed(inlineKeys(p, at, problems));
            }
            providers.put("jwt:" + p.id(), new JwtAuthenticator(new JwtVerifier(p, keys, clock), consumers));
        }
        if (auth.apiKey() != null) {
            providers.put(ApiKeyAuthenticator.ID, new ApiKeyAuthenticator(consumers));
        }
        for (IntrospectionProvider p : auth.introspection()) {
            String id = "introspection:" + p.id();
            IntrospectionClient client = new IntrospectionClient(p, http(), executor, timer, json);
            providers.put(id, new IntrospectionAuthenticator(p, client, consumers, clock, metrics.provider(id),
                    introspectionCacheEntries));
        }
        if (!problems.isEmpty()) {
            throw new AuthConfigException(problems);
        }
        jwks.forEach(JwksKeySource::start);
        return new AuthRuntime(providers, auth.apiKey(), metrics, jwks);
    }

    /** One key per configured HS algorithm; RFC 7518 3.2: the secret must be at least as long as the hash. */
    private static KeySet hmacKeys(JwtProvider p, String at, List<String> problems) {
        byte[] secret = p.hsSecret().getBytes(StandardCharsets.UTF_8);
        List<KeySet.Entry> entries = new ArrayList<>();
        for (String alg : p.algorithms()) {
            int bits = Integer.parseInt(alg.substring(2));
            if (secret.length * 8 < bits) {
                problems.add(at + ".hs-secret: " + secret.length + " bytes is too short for " + alg
                        + " (expected: >= " + bits / 8 + " bytes)");
                continue;
            }
            entries.add(new KeySet.Entry(null, alg, new SecretKeySpec(secret, "HmacSHA" + bits)));
        }
        return new KeySet(entries);
    }

    private static KeySet inlineKeys(JwtProvider p, String at, List<String> problems) {
        List<KeySet.Entry> entries = new ArrayList<>();
        for (int j = 0; j < p.keys().size(); j++) {
            InlineKey k = p.keys().get(j);
            String where = at + ".keys[" + j + "]";
            PublicKey key;
            try {
                key = PemKeys.parse(k.pem());
            } catch (IllegalArgumentException e) {
                problems.add(where + ".pem: " + e.getMessage());
                continue;
            }
            if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
                problems.add(where + ".pem: an RSA key of " + rsa.getModulus().bitLength() + " bits (expected: >= 2048)");
                continue;
            }
            if (p.algorithms().stream().noneMatch(alg -> KeySet.fits(alg, key))) {
                problems.add(where + ".pem: an " + PemKeys.describe(key) + " key, which none of algorithms "
                        + p.algorithms() + " can use");
                continue;
            }
            entries.add(new KeySet.Entry(k.kid(), null, key));
        }
        return new KeySet(entries);
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(5))
                    .executor(executor)
                    .build();
        }
        return http;
    }
}
