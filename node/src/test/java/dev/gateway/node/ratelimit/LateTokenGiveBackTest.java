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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A check that timed out may have taken its token on the owner all the same. When the request is then refused
 * (fail-closed, or a {@code local} fallback that refuses) the token is asked back; when it is admitted (fail-open,
 * or the local fallback admits) it is not, since the request did use it.
 */
class LateTokenGiveBackTest {
    private final AtomicInteger askedBack = new AtomicInteger();
    private final RateLimiter local = new LocalRateLimiter(dev.gateway.limiter.Ticker.system());
    private final RateLimiter timingOut = new RateLimiter() {
        @Override
        public CompletionStage<Decision> tryConsume(String key, LimitSpec spec) {
            return CompletableFuture.failedFuture(new RateLimiterUnavailableException("no answer within 500 ms", null,
                    askedBack::incrementAndGet));
        }

        @Override
        public CompletionStage<Decision> peek(String key, LimitSpec spec) {
            return tryConsume(key, spec);
        }
    };

    @Test
    void aFailClosedRefusalAsksForTheTokenBack() {
        assertThat(run("fail-closed", 10).status()).isEqualTo(429);
        assertThat(askedBack).hasValue(1);
    }

    @Test
    void aFailOpenAdmissionKeepsIt() {
        assertThat(run("fail-open", 10).status()).isEqualTo(200);
        assertThat(askedBack).hasValue(0);
    }

    @Test
    void aLocalFallbackKeepsItWhenItAdmitsAndAsksBackWhenItRefuses() {
        // 3 per minute on 3 nodes: a share of 1 here
        assertThat(run("local", 3).status()).isEqualTo(200);
        assertThat(askedBack).hasValue(0);
        assertThat(run("local", 3).status()).isEqualTo(429);
        assertThat(askedBack).hasValue(1);
    }

    private CompiledPolicy compiled;

    private GatewayResponse run(String onFailure, int limit) {
        if (compiled == null) {
            RateLimitPolicy policy = TestConfigs.withDefaults("""
                    rate-limits:
                      p: {algorithm: token-bucket, limit: %d, per: 1m, key: global, on-cluster-failure: %s}
                    """.formatted(limit, onFailure)).shared().rateLimits().get("p");
            compiled = new CompiledPolicy("p", policy, 3, new GatewayMetrics(new MetricRegistry()).rateLimitPolicy("p"));
        }
        RateLimitInterceptor interceptor = new RateLimitInterceptor(new CompiledPolicy[] {compiled}, timingOut, local);
        return InterceptorRuns.run(interceptor);
    }
}
