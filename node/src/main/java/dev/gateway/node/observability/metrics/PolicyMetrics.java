package dev.gateway.node.observability.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Timer;
import java.util.concurrent.TimeUnit;

/**
 * One policy's decision counters and check latency: a summary of the last checks ({@code check}) and a
 * histogram of all of them ({@code checkBuckets}). Thread-safe.
 */
public record PolicyMetrics(Counter allowed, Counter limited, Counter fallback, Timer check,
                            LatencyHistogram checkBuckets) {
    public void decided(boolean wasAllowed, long checkNanos) {
        (wasAllowed ? allowed : limited).inc();
        check.update(checkNanos, TimeUnit.NANOSECONDS);
        checkBuckets.update(checkNanos);
    }
}
