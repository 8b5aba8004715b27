package dev.gateway.limiter.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.limiter.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class OutcomeWindowTest {
    /** A whole minute, so bucket boundaries of a 10 s window fall on whole seconds from here. */
    private static final long T0 = ManualTicker.START_MILLIS;

    private final OutcomeWindow window = new OutcomeWindow(Duration.ofSeconds(10));

    @Test
    void cutsTheWindowIntoBucketsOfAtLeastOneMillisecond() {
        assertThat(window.bucketMillis()).isEqualTo(1_000);
        assertThat(window.bucketCount()).isEqualTo(10);
        OutcomeWindow tiny = new OutcomeWindow(Duration.ofMillis(5));
        assertThat(tiny.bucketMillis()).isEqualTo(1);
        assertThat(tiny.bucketCount()).isEqualTo(5);
        OutcomeWindow odd = new OutcomeWindow(Duration.ofMillis(15));
        assertThat(odd.bucketMillis()).as("ceil(15 / 10)").isEqualTo(2);
        assertThat(odd.bucketCount()).as("16 ms: the window rounded up to whole buckets").isEqualTo(8);
        OutcomeWindow subMilli = new OutcomeWindow(Duration.ofNanos(1_500_000), 10);
        assertThat(subMilli.bucketMillis()).isEqualTo(1);
        assertThat(subMilli.bucketCount()).as("1.5 ms rounds up to 2 ms").isEqualTo(2);
        OutcomeWindow four = new OutcomeWindow(Duration.ofSeconds(10), 4);
        assertThat(four.bucketMillis()).isEqualTo(2_500);
        assertThat(four.bucketCount()).isEqualTo(4);
    }

    @Test
    void sumsWhatIsRecorded() {
        assertThat(window.evidence(T0)).isEqualTo(Evidence.NONE);
        window.record(false, T0);
        window.record(true, T0 + 10);
        window.record(true, T0 + 2_500);
        assertThat(window.evidence(T0 + 2_500)).isEqualTo(new Evidence(3, 2, 2));
    }

    @Test
    void theTrailingRunOfFailuresEndsWithASuccessAndNeverOutlastsTheWindow() {
        window.record(true, T0);
        window.record(false, T0 + 1);
        window.record(true, T0 + 2);
        window.record(true, T0 + 3);
        assertThat(window.evidence(T0 + 3)).isEqualTo(new Evidence(4, 3, 2));
        window.record(false, T0 + 4);
        assertThat(window.evidence(T0 + 4).consecutiveFailures()).isZero();
        window.record(true, T0 + 5);
        assertThat(window.evidence(T0 + 5).consecutiveFailures()).isEqualTo(1);
        assertThat(window.evidence(T0 + 60_000)).as("the window's failures are gone, and the run with them")
                .isEqualTo(Evidence.NONE);
        window.reset();
        window.record(true, T0 + 60_001);
        assertThat(window.evidence(T0 + 60_001).consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void anOutcomeExpiresWhenItsBucketLeavesTheWindow() {
        window.record(true, T0);
        window.record(false, T0 + 999);
        assertThat(window.evidence(T0 + 9_999)).isEqualTo(new Evidence(2, 1));
        assertThat(window.evidence(T0 + 10_000))
                .as("bucket [T0, T0 + 1 s) is now ten buckets old, though its last call is only 9001 ms old")
                .isEqualTo(Evidence.NONE);
    }

    @Test
    void bucketsRollOverAsTimeMoves() {
        for (int second = 0; second < 10; second++) {
            window.record(second % 2 == 0, T0 + second * 1_000L);
        }
        assertThat(window.evidence(T0 + 9_000)).isEqualTo(new Evidence(10, 5));

        // second 10 reuses the slot of second 0: its old counts go, the new ones stay
        window.record(false, T0 + 10_000);
        window.record(false, T0 + 10_500);
        assertThat(window.evidence(T0 + 10_500)).isEqualTo(new Evidence(11, 4));

        // 4.5 s later, seconds 1..5 have left the window
        assertThat(window.evidence(T0 + 15_000)).isEqualTo(new Evidence(6, 2));
        // a whole window without calls empties it
        assertThat(window.evidence(T0 + 20_000)).isEqualTo(Evidence.NONE);
        window.record(true, T0 + 20_000);
        assertThat(window.evidence(T0 + 20_000)).isEqualTo(new Evidence(1, 1, 1));
    }

    @Test
    void aSlotIdleForManyWindowsStartsEmpty() {
        window.record(true, T0 + 3_000);
        long later = T0 + 3_000 + 1_000L * 10 * 1_000;
        window.record(false, later);
        assertThat(window.evidence(later)).isEqualTo(new Evidence(1, 0));
    }

    @Test
    void aClockSetBackCountsInTheNewerBucketOfItsSlot() {
        window.record(false, T0 + 10_000);
        window.record(true, T0);
        assertThat(window.evidence(T0 + 10_000)).isEqualTo(new Evidence(2, 1, 1));
    }

    @Test
    void resetForgetsEverything() {
        window.record(true, T0);
        window.record(true, T0 + 5_000);
        window.reset();
        assertThat(window.evidence(T0 + 5_000)).isEqualTo(Evidence.NONE);
        window.record(false, T0 + 5_000);
        assertThat(window.evidence(T0 + 5_000)).isEqualTo(new Evidence(1, 0));
    }

    @Test
    @Timeout(20)
    void countsEveryOutcomeFromConcurrentThreads() throws Exception {
        int threads = 4;
        int perThread = 100_000;
        ManualTicker ticker = new ManualTicker();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        window.record(i % 4 == 0, ticker.epochMillis());
                        if (i % 1_000 == 0) {
                            // readers see consistent buckets (Evidence rejects failures > calls)
                            window.evidence(ticker.epochMillis());
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (int i = 0; i < 5; i++) {
                ticker.advanceMillis(1_000);  // roll into fresh buckets while they record
            }
            for (Future<?> f : futures) {
                f.get(15, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(window.evidence(ticker.epochMillis()))
                .isEqualTo(new Evidence((long) threads * perThread, (long) threads * perThread / 4));
    }

    @Test
    void validates() {
        assertThatThrownBy(() -> new OutcomeWindow(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("window: PT0S (expected: > 0)");
        assertThatThrownBy(() -> new OutcomeWindow(Duration.ofSeconds(1), 0))
                .hasMessage("buckets: 0 (expected: > 0)");
    }
}
