package dev.gateway.node.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.gateway.config.RateLimitPolicy;
import dev.gateway.limiter.Decision;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.LocalRateLimiter;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.limiter.RateLimiterUnavailableException;
import dev.gateway.limiter.Ticker;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.Headers;
import dev.gateway.node.observability.metrics.GatewayMetrics;
import dev.gateway.node.observability.tracing.RequestTrace;
import dev.gateway.node.observability.tracing.TraceSpan;
import dev.gateway.node.support.TestConfigs;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * The {@code rate limit <policy>} span says whether its check was coalesced: {@code gateway.rate_limit.coalesced}
 * true, with {@code gateway.rate_limit.batch} the checks of the call that carried it, when the store sent it to the
 * owner with other checks of its key; false (batch 1) when it went alone; neither when no call carried it (the
 * store was unreachable: the span has its fallback instead).
 */
class RateLimitSpanTest {
    private final RecordingTrace trace = new RecordingTrace();

    @Test
    void aCheckThatTravelledWithOthersIsMarkedCoalesced() {
        run(storeTelling(3));

        assertThat(trace.span("rate limit p"))
                .containsEntry("gateway.rate_limit.coalesced", "true")
                .containsEntry("gateway.rate_limit.batch", 3L)
                .containsEntry("gateway.rate_limit.outcome", "allowed");
    }

    @Test
    void aCheckThatWentAloneIsNot() {
        run(new LocalRateLimiter(Ticker.system()));

        assertThat(trace.span("rate limit p"))
                .containsEntry("gateway.rate_limit.coalesced", "false")
                .containsEntry("gateway.rate_limit.batch", 1L);
    }

    @Test
    void aCheckNoCallCarriedSaysNothingOfCoalescing() {
        run(new RateLimiter() {
            @Override
            public CompletionStage<Decision> tryConsume(String key, LimitSpec spec) {
                return CompletableFuture.failedFuture(new RateLimiterUnavailableException("cluster down", null));
            }

            @Override
            public CompletionStage<Decision> tryConsume(String key, LimitSpec spec, IntConsumer batch) {
                return tryConsume(key, spec);
            }

            @Override
            public CompletionStage<Decision> peek(String key, LimitSpec spec) {
                return tryConsume(key, spec);
            }
        });

        assertThat(trace.span("rate limit p")).containsEntry("gateway.rate_limit.fallback", "fail-open")
                .doesNotContainKeys("gateway.rate_limit.coalesced", "gateway.rate_limit.batch");
    }

    /** A store that sends every check in a call of {@code checks} (as a cluster coalescing a hot key does). */
    private static RateLimiter storeTelling(int checks) {
        return new RateLimiter() {
            @Override
            public CompletionStage<Decision> tryConsume(String key, LimitSpec spec) {
                return CompletableFuture.completedFuture(new Decision(true, 10, 9, 0, 0));
            }

            @Override
            public CompletionStage<Decision> tryConsume(String key, LimitSpec spec, IntConsumer batch) {
                batch.accept(checks);
                return tryConsume(key, spec);
            }

            @Override
            public CompletionStage<Decision> peek(String key, LimitSpec spec) {
                return tryConsume(key, spec);
            }
        };
    }

    private void run(RateLimiter shared) {
        RateLimitPolicy policy = TestConfigs.withDefaults("""
                rate-limits:
                  p: {limit: 10, per: 1m, key: global, on-cluster-failure: fail-open}
                """).shared().rateLimits().get("p");
        CompiledPolicy compiled = new CompiledPolicy("p", policy, 1,
                new GatewayMetrics(new MetricRegistry()).rateLimitPolicy("p"));
        RateLimitInterceptor interceptor = new RateLimitInterceptor(new CompiledPolicy[] {compiled}, shared,
                new LocalRateLimiter(Ticker.system()));
        Exchange exchange = new Exchange("127.0.0.1", "http", System.nanoTime(), "req");
        exchange.trace(trace);
        assertThat(InterceptorRuns.run(interceptor, exchange, new Headers()).status()).isEqualTo(200);
    }

    /** A sampled trace that keeps each child span's attributes, by span name. */
    private static final class RecordingTrace implements RequestTrace {
        private final List<Map.Entry<String, Map<String, Object>>> spans = new CopyOnWriteArrayList<>();

        Map<String, Object> span(String name) {
            return spans.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
        }

        @Override
        public boolean recording() {
            return true;
        }

        @Override
        public String traceId() {
            return "4bf92f3577b34da6a3ce929d0e0e4736";
        }

        @Override
        public String spanId() {
            return "00f067aa0ba902b7";
        }

        @Override
        public String traceparent() {
            return "00-" + traceId() + "-" + spanId() + "-01";
        }

        @Override
        public TraceSpan child(String name) {
            Map<String, Object> attributes = new ConcurrentHashMap<>();
            spans.add(Map.entry(name, attributes));
            return new TraceSpan() {
                @Override
                public TraceSpan set(String key, String value) {
                    if (value != null) {
                        attributes.put(key, value);
                    }
                    return this;
                }

                @Override
                public TraceSpan set(String key, long value) {
                    attributes.put(key, value);
                    return this;
                }

                @Override
                public TraceSpan event(String name) {
                    return this;
                }

                @Override
                public String traceparent() {
                    return null;
                }

                @Override
                public void end(String error) {
                }
            };
        }

        @Override
        public TraceSpan client(String name) {
            return child(name);
        }

        @Override
        public void end(int status) {
        }
    }
}
