package dev.gateway.node.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.gateway.config.RateLimitPolicy;
import dev.gateway.limiter.Decision;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.LocalRateLimiter;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.limiter.RateLimiterUnavailableException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.observability.metrics.GatewayMetrics;
import dev.gateway.node.support.TestConfigs;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The {@code local} fallback's arithmetic: each node enforces {@code limit / nodes}, rounded
 * down, so that the nodes of a cluster cut off from its store never admit more than {@code limit}
 * together; a share of 0 refuses.
 */
class LocalFallbackTest {
    private final RateLimiter local = new LocalRateLimiter(dev.gateway.limiter.Ticker.system());
    private final RateLimiter unreachable = new RateLimiter() {
        @Override
        public CompletionStage<Decision> tryConsume(String key, LimitSpec spec) {
            return CompletableFuture.failedFuture(new RateLimiterUnavailableException("cluster down", null));
        }

        @Override
        public CompletionStage<Decision> peek(String key, LimitSpec spec) {
            return tryConsume(key, spec);
        }
    };

    @Test
    void theShareRoundsDown() {
        // 11 per minute on 3 nodes: 3 each (9 together), never 4 (12 together, over the limit)
        assertThat(admittedOf(policy(11), 3, 20)).isEqualTo(3);
    }

    @Test
    void aShareOfZeroRefusesEverything() {
        // 2 per minute on 3 nodes: rounding up to 1 each would admit 3 together
        assertThat(admittedOf(policy(2), 3, 5)).isZero();
    }

    @Test
    void anEvenShareIsExact() {
        assertThat(admittedOf(policy(9), 3, 20)).isEqualTo(3);
    }

    @Test
    void theShareFollowsTheNodeCountAskedWhenTheFallbackIsUsed() {
        // client mode: the count is the client nodes the members last reported, and it may move
        java.util.concurrent.atomic.AtomicInteger nodes = new java.util.concurrent.atomic.AtomicInteger(2);
        CompiledPolicy compiled = new CompiledPolicy("p", policy(12), nodes::get,
                new GatewayMetrics(new MetricRegistry()).rateLimitPolicy("p"), 0);
        assertThat(compiled.localSpec().limit()).isEqualTo(6);
        nodes.set(4);
        assertThat(compiled.localSpec().limit()).isEqualTo(3);
        nodes.set(0);
        assertThat(compiled.localSpec().limit()).as("never below one node").isEqualTo(12);
        nodes.set(13);
        assertThat(compiled.localSpec()).as("a share of 0: refuse").isNull();
    }

    private int admittedOf(RateLimitPolicy policy, int expectedSize, int requests) {
        CompiledPolicy compiled = new CompiledPolicy("p", policy, expectedSize,
                new GatewayMetrics(new MetricRegistry()).rateLimitPolicy("p"));
        RateLimitInterceptor interceptor = new RateLimitInterceptor(new CompiledPolicy[] {compiled}, unreachable, local);
        int admitted = 0;
        for (int i = 0; i < requests; i++) {
            GatewayResponse response = InterceptorRuns.run(interceptor);
            if (response.status() == 200) {
                admitted++;
            } else {
                assertThat(response.status()).isEqualTo(429);
            }
        }
        return admitted;
    }

    private static RateLimitPolicy policy(int limit) {
        return TestConfigs.withDefaults("""
                rate-limits:
                  p: {algorithm: fixed-window, limit: %d, per: 1m, key: global, on-cluster-failure: local}
                """.formatted(limit)).shared().rateLimits().get("p");
    }
}
