package dev.gateway.node.auth;

import com.codahale.metrics.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one provider id ({@code jwt:main}, {@code api-key}, {@code introspection:corp}),
 * kept for the life of the node (across config versions). Thread-safe; the hot path is one
 * {@link LongAdder#increment()}.
 */
public final class ProviderMetrics {
    private final String provider;
    private final LongAdder[] outcomes = new LongAdder[AuthReason.values().length];
    private final LongAdder jwksRefreshes = new LongAdder();
    private final LongAdder jwksRefreshFailures = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder cacheMisses = new LongAdder();
    private final Timer introspectionLatency = new Timer();

    ProviderMetrics(String provider) {
        this.provider = provider;
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = new LongAdder();
        }
    }

    public String provider() {
        return provider;
    }

    void outcome(AuthReason reason) {
        outcomes[reason.ordinal()].increment();
    }

    /** Verdicts of this provider with {@code reason} ({@link AuthReason#OK} for successes). */
    public long outcomes(AuthReason reason) {
        return outcomes[reason.ordinal()].sum();
    }

    void jwksRefreshed(boolean ok) {
        (ok ? jwksRefreshes : jwksRefreshFailures).increment();
    }

    /** JWKS documents fetched and applied. */
    public long jwksRefreshes() {
        return jwksRefreshes.sum();
    }

    /** JWKS fetches that failed (endpoint down, bad status, unparsable document); the old keys stayed. */
    public long jwksRefreshFailures() {
        return jwksRefreshFailures.sum();
    }

    void cache(boolean hit) {
        (hit ? cacheHits : cacheMisses).increment();
    }

    /** Introspection verdicts served from the cache. */
    public long cacheHits() {
        return cacheHits.sum();
    }

    /** Introspection lookups that had to ask the endpoint (or join a call already asking). */
    public long cacheMisses() {
        return cacheMisses.sum();
    }

    void introspected(long nanos) {
        introspectionLatency.update(nanos, TimeUnit.NANOSECONDS);
    }

    /** Duration of calls to the introspection endpoint, failures and timeouts included. */
    public Timer introspectionLatency() {
        return introspectionLatency;
    }
}
