package dev.gateway.node.resilience;

import dev.gateway.config.HedgingConfig;
import dev.gateway.config.UpstreamConfig;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One upstream's retries, hedging, retry budget and breaker for one config version. Retries and hedges share the
 * budget. Null parts are off.
 */
public final class UpstreamResilience {
    final String upstream;
    final RetryPolicy retry;
    final long hedgeAfterNanos;
    final int maxHedges;
    final RetryBudget budget;
    final Breaker breaker;
    /** What {@link #breaker} counts as a failure ({@code circuit-breaker.on}). */
    final FailureKinds breakerFailures;
    final ScheduledExecutorService timer;
    final ResilienceEvents events;

    UpstreamResilience(String upstream, RetryPolicy retry, long hedgeAfterNanos, int maxHedges, RetryBudget budget,
                       Breaker breaker, ScheduledExecutorService timer, ResilienceEvents events) {
        this(upstream, retry, hedgeAfterNanos, maxHedges, budget, breaker,
                FailureKinds.of(dev.gateway.config.CircuitBreakerConfig.DEFAULT_ON), timer, events);
    }

    UpstreamResilience(String upstream, RetryPolicy retry, long hedgeAfterNanos, int maxHedges, RetryBudget budget,
                       Breaker breaker, FailureKinds breakerFailures, ScheduledExecutorService timer,
                       ResilienceEvents events) {
        this.breakerFailures = breakerFailures;
        this.upstream = upstream;
        this.retry = retry;
        this.hedgeAfterNanos = hedgeAfterNanos;
        this.maxHedges = maxHedges;
        this.budget = budget;
        this.breaker = breaker;
        this.timer = timer;
        this.events = events;
    }

    /** From an upstream's config; {@code breaker} null when it has no circuit-breaker. */
    public static UpstreamResilience of(String name, UpstreamConfig config, Breaker breaker,
                                        ScheduledExecutorService timer, ResilienceEvents events) {
        RetryPolicy retry = config.retries() == null || config.retries().attempts() == 0 ? null
                : RetryPolicy.of(config.retries(), Backoff.of(config.retries().backoff(),
                        () -> ThreadLocalRandom.current().nextDouble()));
        HedgingConfig hedging = config.hedging();
        double share = config.retries() == null ? dev.gateway.config.RetryConfig.defaults().budget().value() / 100.0
                : config.retries().budget().value() / 100.0;
        RetryBudget budget = retry == null && hedging == null ? null : new RetryBudget(share, System::nanoTime);
        FailureKinds breakerFailures = FailureKinds.of(config.circuitBreaker() == null
                ? dev.gateway.config.CircuitBreakerConfig.DEFAULT_ON : config.circuitBreaker().on());
        return new UpstreamResilience(name, retry, hedging == null ? 0 : hedging.after().toNanos(),
                hedging == null ? 0 : hedging.maxExtra(), budget, breaker, breakerFailures, timer, events);
    }

    /** Whether requests to this upstream need more than one plain call. */
    public boolean active() {
        return retry != null || maxHedges > 0 || breaker != null;
    }

    /**
     * The same breaker and retries without hedging: for WebSocket handshakes, where an extra call would open a second
     * connection the upstream may already have accepted.
     */
    public UpstreamResilience withoutHedging() {
        return maxHedges == 0 ? this : new UpstreamResilience(upstream, retry, 0, 0, budget, breaker, breakerFailures,
                timer, events);
    }

    public Breaker breaker() {
        return breaker;
    }
}
