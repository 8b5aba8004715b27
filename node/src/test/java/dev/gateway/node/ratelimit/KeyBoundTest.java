package dev.gateway.node.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.gateway.config.SharedConfig;
import dev.gateway.limiter.Decision;
import dev.gateway.limiter.KeySpace;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.LocalRateLimiter;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.limiter.RateLimiterUnavailableException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.observability.metrics.GatewayMetrics;
import dev.gateway.node.pipeline.Interceptor;
import dev.gateway.node.support.TestConfigs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * max-keys on a node cut off from its cluster: the {@code local} fallback store holds at most max-keys buckets of
 * a policy however many distinct client-chosen keys arrive, and the metrics say how many it holds and evicted.
 */
class KeyBoundTest {
    private final LocalRateLimiter local = new LocalRateLimiter(dev.gateway.limiter.Ticker.system());
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
    void theFallbackStoreHoldsAtMostMaxKeysAndTheMetricsSaySo() throws Exception {
        SharedConfig config = TestConfigs.withDefaults("""
                rate-limits:
                  p: {limit: 10, per: 1m, key: "header:X-Key", on-cluster-failure: local, max-keys: 50}
                """).shared();
        GatewayMetrics metrics = new GatewayMetrics(new MetricRegistry());
        RateLimiting limiting = new RateLimiting(unreachable, local, metrics, 1);
        Map<String, CompiledPolicy> policies = limiting.compile(config, 1);
        Interceptor link = limiting.linkFor(List.of("p"), policies);

        for (int i = 0; i < 500; i++) {
            assertThat(run(link, "client-" + i).status()).isEqualTo(200);
        }

        assertThat(local.keyStats(new KeySpace("p", 50)).keys()).isEqualTo(50);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.writePrometheus(out);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("gateway_rate_limit_keys{policy=\"p\",store=\"local\"} 50")
                .contains("gateway_rate_limit_keys_evicted_total{policy=\"p\",store=\"local\"} 450")
                .contains("gateway_rate_limit_keys{policy=\"p\",store=\"cluster\"} 0");
    }

    private static GatewayResponse run(Interceptor interceptor, String key) {
        Headers headers = new Headers();
        headers.set("X-Key", key);
        return InterceptorRuns.run(interceptor, headers);
    }
}
