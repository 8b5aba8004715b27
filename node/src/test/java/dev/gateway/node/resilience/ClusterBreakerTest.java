package dev.gateway.node.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.limiter.Ticker;
import dev.gateway.limiter.breaker.BreakerBoard;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.BreakerState;
import dev.gateway.limiter.breaker.CircuitBreaker;
import dev.gateway.limiter.breaker.Evidence;
import dev.gateway.limiter.breaker.HeldView;
import dev.gateway.limiter.breaker.InMemoryBreakerBoard;
import dev.gateway.limiter.breaker.ProbeAnswer;
import dev.gateway.limiter.breaker.SharedBreakerView;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One node's side of a cluster breaker. Half-open without a refused request: the first caller after
 * {@code open-for} waits (bounded by {@code probe-wait}) for the cluster's probe lease and, granted, is the
 * probe; a lease that arrives after the wait ended is kept for the next caller, never lost. A node under a
 * closed cluster still protects itself. A node whose view the cluster keeps contradicting re-syncs.
 */
class ClusterBreakerTest {
    private static final BreakerSpec SPEC = new BreakerSpec(50, 2, Duration.ofSeconds(10), Duration.ofSeconds(10), 1);

    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
    private final Ticker ticker = new Ticker() {
        @Override
        public long epochMillis() {
            return millis.get();
        }

        @Override
        public long nanoTime() {
            return millis.get() * 1_000_000L;
        }
    };
    private final ExecutorService worker = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        worker.shutdownNow();
    }

    private ClusterBreaker breaker(BreakerBoard board, long probeWaitMillis) {
        LocalBreaker fallback = new LocalBreaker(new CircuitBreaker(SPEC, ticker, (from, to, at) -> { }));
        return new ClusterBreaker("app", "gw-1", SPEC, fallback, ticker, board, worker, to -> { }, probeWaitMillis);
    }

    /** Opens the cluster's breaker with this node's evidence, then lets {@code open-for} pass. */
    private void openAndExpire(ClusterBreaker breaker) {
        breaker.report();
        for (int i = 0; i < 2; i++) {
            breaker.tryAcquire().complete(true, 1_000);
        }
        breaker.report();
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        millis.addAndGet(SPEC.openFor().toMillis());
        breaker.report(); // the periodic report: the node still hears from the cluster, so it follows the cluster
        assertThat(breaker.following()).isTrue();
    }

    private static Breaker.Ticket await(ClusterBreaker breaker) throws Exception {
        return breaker.acquire().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theFirstCallerAfterOpenForIsTheProbe() throws Exception {
        ClusterBreaker breaker = breaker(new InMemoryBreakerBoard(), 5_000);
        openAndExpire(breaker);
        Breaker.Ticket probe = await(breaker);
        assertThat(probe.allowed()).as("the caller that asked for the lease goes as the probe").isTrue();
        Breaker.Ticket second = await(breaker);
        assertThat(second.allowed()).as("one probe for the whole cluster").isFalse();
        probe.complete(false, 1_000);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> breaker.state() == BreakerState.CLOSED);
        assertThat(await(breaker).allowed()).isTrue();
    }

    @Test
    void aNodeFollowingAClosedClusterStillTripsOnFailuresOnlyItSees() throws Exception {
        InMemoryBreakerBoard board = new InMemoryBreakerBoard();
        ClusterBreaker breaker = breaker(board, 0);
        // two other nodes see the upstream well: the cluster's majority rule keeps it closed
        board.report("app", SPEC, "gw-2", new Evidence(50, 0), millis.get());
        board.report("app", SPEC, "gw-3", new Evidence(50, 0), millis.get());
        breaker.report();
        for (int i = 0; i < 2; i++) {
            breaker.tryAcquire().complete(true, 1_000);
        }
        breaker.report();
        assertThat(breaker.view().snapshot().state()).as("the cluster").isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.tryAcquire().allowed()).as("this node protects itself").isFalse();
        assertThat(await(breaker).allowed()).isFalse();
    }

    @Test
    void aNodeFollowsTheClusterAgainWhenTheBreakersEntryWasLostAndTheBreakerStaysOpen() throws Exception {
        // (the report carries the view the node holds: the new entry is renumbered above it at once, and, since
        // the node knew it open, it is open for the rest of the open period)
        SwappableBoard board = new SwappableBoard(new InMemoryBreakerBoard());
        ClusterBreaker breaker = breaker(board, 5_000);
        openAndExpire(breaker);
        Breaker.Ticket probe = await(breaker);
        assertThat(probe.allowed()).isTrue();
        probe.complete(true, 1_000); // the upstream still fails: open again, a later generation
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> breaker.view().snapshot().state() == BreakerState.OPEN);
        long held = breaker.view().snapshot().generation();
        long openUntil = breaker.view().snapshot().openUntilMillis();
        assertThat(held).isGreaterThan(1);

        board.delegate = new InMemoryBreakerBoard(); // the entry's owner and backup died: the entry starts again
        long lostAt = millis.get();
        while (breaker.view().snapshot().generation() == held && millis.get() - lostAt < 10_000) {
            millis.addAndGet(250); // the node's periodic reports
            breaker.report();
        }
        assertThat(millis.get() - lostAt).as("re-synced at the first report").isLessThanOrEqualTo(250);
        assertThat(breaker.view()).as("one view: the cluster's").isEqualTo(board.delegate.all().get("app"));
        assertThat(breaker.view().snapshot().generation()).as("generations never go back").isGreaterThan(held);
        assertThat(breaker.state()).as("a lost entry does not close the breaker").isEqualTo(BreakerState.OPEN);
        assertThat(breaker.view().snapshot().openUntilMillis()).as("the same open period").isEqualTo(openUntil);
        assertThat(breaker.tryAcquire().allowed()).isFalse();
        // the open period ends: a probe goes, the upstream still fails, and it opens again
        millis.set(openUntil);
        breaker.report(); // the periodic report: the node still hears from the cluster
        Breaker.Ticket next = await(breaker);
        assertThat(next.allowed()).isTrue();
        next.complete(true, 1_000);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> breaker.view().snapshot().state() == BreakerState.OPEN
                        && breaker.view().snapshot().openUntilMillis() > openUntil);
        assertThat(board.delegate.all().get("app").snapshot().state()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void aNodeTakesTheClustersWordAfterTwoSecondsOfOlderViews() throws Exception {
        SwappableBoard board = new SwappableBoard(new InMemoryBreakerBoard());
        ClusterBreaker breaker = breaker(board, 5_000);
        openAndExpire(breaker);
        Breaker.Ticket probe = await(breaker);
        probe.complete(true, 1_000);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> breaker.view().snapshot().state() == BreakerState.OPEN);
        long held = breaker.view().snapshot().generation();

        // a board that cannot renumber (the entry came back from the other side of a split, say): every view it
        // answers is older than the one held
        board.forgetful = true;
        board.delegate = new InMemoryBreakerBoard();
        long lostAt = millis.get();
        millis.addAndGet(1_000);
        breaker.report();
        assertThat(breaker.view().snapshot().generation()).as("1 s of older views: maybe out-of-order events")
                .isEqualTo(held);
        while (breaker.view().snapshot().generation() == held && millis.get() - lostAt < 10_000) {
            millis.addAndGet(250);
            breaker.report();
        }
        assertThat(millis.get() - lostAt).as("re-synced within 3 s").isLessThanOrEqualTo(3_000);
        assertThat(breaker.view()).isEqualTo(board.delegate.all().get("app"));
    }

    /** A board whose store can be replaced, as the loss of an entry replaces it with nothing. */
    private static final class SwappableBoard implements BreakerBoard {
        volatile InMemoryBreakerBoard delegate;
        /** Reports without the generation the node holds, so that nothing is renumbered. */
        volatile boolean forgetful;

        SwappableBoard(InMemoryBreakerBoard delegate) {
            this.delegate = delegate;
        }

        @Override
        public SharedBreakerView report(String upstream, BreakerSpec spec, String node, Evidence evidence,
                                        HeldView known, long now) {
            return delegate.report(upstream, spec, node, evidence, forgetful ? HeldView.NONE : known, now);
        }

        @Override
        public ProbeAnswer tryProbe(String upstream, BreakerSpec spec, String node, long now) {
            return delegate.tryProbe(upstream, spec, node, now);
        }

        @Override
        public SharedBreakerView probeResult(String upstream, BreakerSpec spec, String node, boolean ok, long now) {
            return delegate.probeResult(upstream, spec, node, ok, now);
        }
    }

    @Test
    void aLeaseThatArrivesAfterTheWaitGoesToTheNextCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InMemoryBreakerBoard memory = new InMemoryBreakerBoard();
        BreakerBoard slow = new BreakerBoard() {
            @Override
            public SharedBreakerView report(String upstream, BreakerSpec spec, String node, Evidence evidence,
                                            HeldView known, long now) {
                return memory.report(upstream, spec, node, evidence, known, now);
            }

            @Override
            public ProbeAnswer tryProbe(String upstream, BreakerSpec spec, String node, long now) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return memory.tryProbe(upstream, spec, node, now);
            }

            @Override
            public SharedBreakerView probeResult(String upstream, BreakerSpec spec, String node, boolean ok, long now) {
                return memory.probeResult(upstream, spec, node, ok, now);
            }
        };
        ClusterBreaker breaker = breaker(slow, 20);
        openAndExpire(breaker);
        Breaker.Ticket waited = await(breaker);
        assertThat(waited.allowed()).as("the owner did not answer within probe-wait").isFalse();
        assertThat(waited.retryAfterMillis()).isPositive();
        release.countDown();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> breaker.view().snapshot().state() == BreakerState.HALF_OPEN);
        assertThat(await(breaker).allowed()).as("the late lease is used, not lost").isTrue();
    }
}
