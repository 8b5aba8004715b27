package dev.gateway.limiter.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.limiter.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

class CircuitBreakerConcurrencyTest {
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 2_000;
    private static final int PROBES = 3;

    private final ManualTicker ticker = new ManualTicker();
    private final RecordingListener listener = new RecordingListener();
    private final CircuitBreaker breaker = new CircuitBreaker(
            new BreakerSpec(50, 10, Duration.ofSeconds(10), Duration.ofSeconds(30), PROBES, null), ticker, listener);
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void stopThreads() {
        pool.shutdownNow();
    }

    private void halfOpen() {
        for (int i = 0; i < 10; i++) {
            breaker.onComplete(breaker.tryAcquire(), true, 0);
        }
        ticker.advance(Duration.ofSeconds(30));
    }

    /** Runs {@code body} on every thread at once; returns the sum of their results. */
    private int race(Callable<Integer> body) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            results.add(pool.submit(() -> {
                start.await();
                return body.call();
            }));
        }
        start.countDown();
        int sum = 0;
        for (Future<Integer> result : results) {
            sum += result.get(10, TimeUnit.SECONDS);
        }
        return sum;
    }

    @RepeatedTest(5)
    @Timeout(30)
    void grantsExactlyHalfOpenProbesWhileTheyAreOutstanding() throws Exception {
        halfOpen();
        int allowed = race(() -> {
            int mine = 0;
            for (int i = 0; i < CALLS_PER_THREAD; i++) {
                Permit permit = breaker.tryAcquire();
                if (permit.allowed()) {
                    assertThat(permit.probe()).isTrue();
                    mine++;
                }
            }
            return mine;
        });
        assertThat(allowed).isEqualTo(PROBES);
        assertThat(breaker.snapshot().probesGranted()).isEqualTo(PROBES);
        assertThat(breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
    }

    @RepeatedTest(5)
    @Timeout(30)
    void grantsExactlyHalfOpenProbesWhenThreadsCompleteThem() throws Exception {
        halfOpen();
        AtomicInteger admittedAfterClose = new AtomicInteger();
        int probes = race(() -> {
            int mine = 0;
            for (int i = 0; i < CALLS_PER_THREAD; i++) {
                Permit permit = breaker.tryAcquire();
                if (permit.probe()) {
                    mine++;
                } else if (permit.allowed()) {
                    admittedAfterClose.incrementAndGet();
                }
                breaker.onComplete(permit, false, 0);
            }
            return mine;
        });
        assertThat(probes).isEqualTo(PROBES);
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(admittedAfterClose.get()).isPositive();
        assertThat(breaker.evidence().calls()).as("only calls admitted after closing count")
                .isEqualTo(admittedAfterClose.get());
        assertThat(listener.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    @RepeatedTest(5)
    @Timeout(30)
    void aFailingProbeAmongConcurrentOnesReopensOnce() throws Exception {
        halfOpen();
        AtomicInteger failed = new AtomicInteger();
        int probes = race(() -> {
            int mine = 0;
            for (int i = 0; i < CALLS_PER_THREAD; i++) {
                Permit permit = breaker.tryAcquire();
                if (permit.probe()) {
                    mine++;
                    breaker.onComplete(permit, failed.getAndIncrement() == 0, 0);
                }
            }
            return mine;
        });
        assertThat(probes).isBetween(1, PROBES);
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThat(listener.moves()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN");
    }
}
