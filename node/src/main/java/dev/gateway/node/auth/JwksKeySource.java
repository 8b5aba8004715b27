package dev.gateway.node.auth;

import io.jsonwebtoken.security.AsymmetricJwk;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import dev.gateway.node.http.ErrorResponses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of a JWKS URL, fetched asynchronously and cached: once at {@link #start()}, then every
 * {@code refreshEvery}, and when a token names a key the cache lacks.
 *
 * <p>Refreshes for unknown keys are rate-limited: at most one per {@code unknownKeyInterval}
 * (measured on the injected clock), so tokens with made-up {@code kid}s cannot make the gateway
 * hammer the JWKS endpoint; and every request that arrives while a fetch is running shares that
 * fetch. A failed fetch keeps the previous keys. Nothing here blocks the caller: fetches are sent
 * from {@code executor} with {@link HttpClient#sendAsync}. Thread-safe.
 */
final class JwksKeySource implements KeySource {
    private static final Logger log = LoggerFactory.getLogger(JwksKeySource.class);
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_UNKNOWN_KEY_INTERVAL = Duration.ofSeconds(10);

    private final String provider;
    private final URI url;
    private final HttpClient http;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Duration refreshEvery;
    private final Duration unknownKeyInterval;
    private final ProviderMetrics metrics;

    private final Object lock = new Object();
    private CompletableFuture<KeySet> inFlight; // guarded by lock
    private Instant lastUnknownKeyRefresh; // guarded by lock
    private ScheduledFuture<?> schedule; // guarded by lock
    private boolean closed; // guarded by lock
    private volatile KeySet keys = KeySet.EMPTY;
    private volatile boolean loaded;

    JwksKeySource(String provider, URI url, HttpClient http, Executor executor, ScheduledExecutorService timer,
                  Clock clock, Duration refreshEvery, Duration unknownKeyInterval, ProviderMetrics metrics) {
        this.provider = provider;
        this.url = url;
        this.http = http;
        this.executor = executor;
        this.timer = timer;
        this.clock = clock;
        this.refreshEvery = refreshEvery;
        this.unknownKeyInterval = unknownKeyInterval;
        this.metrics = metrics;
    }

    /** Starts the first fetch and the periodic refresh; returns at once. */
    void start() {
        synchronized (lock) {
            if (closed || schedule != null) {
                return;
            }
            long every = refreshEvery.toMillis();
            schedule = timer.scheduleWithFixedDelay(this::refreshOnSchedule, every, every, TimeUnit.MILLISECONDS);
        }
        refreshOnSchedule();
    }

    @Override
    public KeySet current() {
        return keys;
    }

    @Override
    public boolean loaded() {
        return loaded;
    }

    @Override
    public boolean refreshable() {
        return true;
    }

    @Override
    public CompletionStage<KeySet> refreshForUnknownKey() {
        CompletableFuture<KeySet> fetch;
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight.copy();
            }
            Instant now = clock.instant();
            if (closed || (lastUnknownKeyRefresh != null && now.isBefore(lastUnknownKeyRefresh.plus(unknownKeyInterval)))) {
                return CompletableFuture.completedFuture(keys);
            }
            lastUnknownKeyRefresh = now;
            fetch = inFlight = new CompletableFuture<>();
        }
        launch(fetch);
        return fetch.copy();
    }

    private void refreshOnSchedule() {
        CompletableFuture<KeySet> fetch;
        synchronized (lock) {
            if (closed || inFlight != null) {
                return;
            }
            fetch = inFlight = new CompletableFuture<>();
        }
        launch(fetch);
    }

    /** Sends the fetch from the executor (never from a request or timer thread); completes {@code done} with the keys then in force. */
    private void launch(CompletableFuture<KeySet> done) {
        try {
            executor.execute(() -> fetch().whenComplete((fetched, failure) -> finish(done, fetched, failure)));
        } catch (RuntimeException e) { // executor rejected the task
            finish(done, null, e);
        }
    }

    private CompletableFuture<KeySet> fetch() {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(FETCH_TIMEOUT)
                .header("Accept", "application/jwk-set+json, application/json").GET().build();
        try {
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .thenApply(response -> {
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("the JWKS endpoint answered " + response.statusCode());
                        }
                        return parse(response.body());
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void finish(CompletableFuture<KeySet> done, KeySet fetched, Throwable failure) {
        if (failure == null) {
            keys = fetched;
            loaded = true;
            metrics.jwksRefreshed(true);
            log.debug("auth provider {}: loaded {} keys from {}", provider, fetched.size(), url);
        } else {
            metrics.jwksRefreshed(false);
            Throwable cause = ErrorResponses.unwrap(failure);
            log.warn("auth provider {}: cannot refresh keys from {} ({}); keeping {} known keys", provider, url,
                    cause.toString(), keys.size());
        }
        synchronized (lock) {
            if (inFlight == done) {
                inFlight = null;
            }
        }
        done.complete(keys);
    }

    /** Parses a JWKS document: public signature keys only ({@code use} absent or {@code sig}); others are skipped. */
    static KeySet parse(String json) {
        JwkSet set = Jwks.setParser().ignoreUnsupported(true).build().parse(json);
        List<KeySet.Entry> entries = new ArrayList<>();
        for (Jwk<?> jwk : set.getKeys()) {
            if (jwk instanceof AsymmetricJwk<?> asymmetric && asymmetric.getPublicKeyUse() != null
                    && !"sig".equals(asymmetric.getPublicKeyUse())) {
                continue;
            }
            if (jwk.toKey() instanceof PublicKey key) {
                entries.add(new KeySet.Entry(jwk.getId(), jwk.getAlgorithm(), key));
            }
        }
        return new KeySet(entries);
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (schedule != null) {
                schedule.cancel(false);
            }
        }
    }

    @Override
    public String toString() {
        return "JWKS " + url + " of " + provider;
    }
}
