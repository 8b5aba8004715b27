package dev.gateway.node.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void eachDurationLandsInTheFirstBucketWhoseBoundHoldsIt() {
        LatencyHistogram histogram = new LatencyHistogram(new long[] {100, 200, 300});

        for (long nanos : new long[] {0, 100, 101, 200, 250, 300, 301, 5_000, -7}) {
            histogram.update(nanos);
        }

        // <=100: 0, 100, -7 (as 0); <=200: 101, 200; <=300: 250, 300; above: 301, 5000
        assertThat(histogram.bucketCounts()).containsExactly(3, 2, 2, 2);
        assertThat(histogram.getCount()).isEqualTo(9);
        assertThat(histogram.sumNanos()).isEqualTo(100 + 101 + 200 + 250 + 300 + 301 + 5_000);
        assertThat(histogram.boundsNanos()).containsExactly(100, 200, 300);
    }

    @Test
    void boundsMustBePositiveAndIncreasing() {
        assertThatThrownBy(() -> new LatencyHistogram(new long[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyHistogram(new long[] {0, 10})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyHistogram(new long[] {10, 10})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyHistogram(new long[] {20, 10})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCheckBoundsResolveTheCheckTargetAndReachTheTimeout() {
        assertThat(LatencyHistogram.CHECK_BOUNDS_NANOS).contains(300_000L).contains(500_000_000L);
    }

    @Test
    void concurrentUpdatesAreAllCounted() throws Exception {
        LatencyHistogram histogram = new LatencyHistogram(LatencyHistogram.CHECK_BOUNDS_NANOS);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 50_000; i++) {
                        histogram.update(i * 1_000L);
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(histogram.getCount()).isEqualTo(200_000);
        assertThat(java.util.Arrays.stream(histogram.bucketCounts()).sum()).isEqualTo(200_000);
        // i * 1 us for i < 50,000: 301 values (0..300 us) are <= 300 us, per writer
        long upTo300us = 0;
        long[] counts = histogram.bucketCounts();
        for (int i = 0; i < LatencyHistogram.CHECK_BOUNDS_NANOS.length && LatencyHistogram.CHECK_BOUNDS_NANOS[i] <= 300_000; i++) {
            upTo300us += counts[i];
        }
        assertThat(upTo300us).isEqualTo(4 * 301);
    }
}
