package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;
import java.util.List;

/**
 * One upstream: its targets and how to reach them. Optional parts are {@code null} when absent
 * ({@code health}, {@code tls}, {@code circuitBreaker}, {@code retries}, {@code hedging}).
 * {@code protocol}: HTTP/1.1, or HTTP/2 ({@code h2c} for {@code http} targets, {@code h2} for
 * {@code https} ones). {@code dnsRefresh}: how long a resolution of a target's host name is used before it is resolved again.
 */
public record UpstreamConfig(List<Target> targets, Balancing balancing, PoolConfig pool, Timeouts timeouts,
                             HealthConfig health, UpstreamTls tls, CircuitBreakerConfig circuitBreaker,
                             RetryConfig retries, HedgingConfig hedging, Duration dnsRefresh,
                             UpstreamProtocol protocol) {
    public static final Duration DEFAULT_DNS_REFRESH = Duration.ofSeconds(30);

    /** Over HTTP/1.1. */
    public UpstreamConfig(List<Target> targets, Balancing balancing, PoolConfig pool, Timeouts timeouts,
                          HealthConfig health, UpstreamTls tls, CircuitBreakerConfig circuitBreaker,
                          RetryConfig retries, HedgingConfig hedging, Duration dnsRefresh) {
        this(targets, balancing, pool, timeouts, health, tls, circuitBreaker, retries, hedging, dnsRefresh,
                UpstreamProtocol.HTTP1);
    }

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
        Check.notNull(protocol, "protocol");
        if (protocol == UpstreamProtocol.H2C) {
            Check.that(targets.stream().noneMatch(Target::tls), "protocol", protocol, "http1 or h2 for https targets");
        } else if (protocol == UpstreamProtocol.H2) {
            Check.that(targets.stream().allMatch(Target::tls), "protocol", protocol, "h2c or http1 for http targets");
        }
    }
}
