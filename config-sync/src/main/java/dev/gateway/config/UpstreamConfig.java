package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;
import java.util.List;

/**
 * One upstream: its targets and how to reach them. Optional parts are {@code null} when absent
 * ({@code health}, {@code tls}, {@code circuitBreaker}, {@code retries}, {@code hedging}).
 * {@code dnsRefresh}: how long a resolution of a target's host name is used before it is resolved again.
 */
public record UpstreamConfig(List<Target> targets, Balancing balancing, PoolConfig pool, Timeouts timeouts,
                             HealthConfig health, UpstreamTls tls, CircuitBreakerConfig circuitBreaker,
                             RetryConfig retries, HedgingConfig hedging, Duration dnsRefresh) {
    public static final Duration DEFAULT_DNS_REFRESH = Duration.ofSeconds(30);

    /** With the default DNS refresh (30s). */
    public UpstreamConfig(List<Target> targets, Balancing balancing, PoolConfig pool, Timeouts timeouts,
                          HealthConfig health, UpstreamTls tls, CircuitBreakerConfig circuitBreaker,
                          RetryConfig retries, HedgingConfig hedging) {
        this(targets, balancing, pool, timeouts, health, tls, circuitBreaker, retries, hedging, DEFAULT_DNS_REFRESH);
    }

    public UpstreamConfig {
        Check.positive(dnsRefresh, "dnsRefresh");
        targets = Check.list(targets, "targets");
        Check.that(!targets.isEmpty(), "targets", "[]", "at least one target");
        Check.notNull(balancing, "balancing");
        Check.notNull(pool, "pool");
        Check.notNull(timeouts, "timeouts");
    }
}
