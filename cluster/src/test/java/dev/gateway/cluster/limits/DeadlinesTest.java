package dev.gateway.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong nanos = new AtomicLong(123 * MS);
    private final Queue<Runnable> ticks = new ArrayDeque<>();
    private final Deadlines deadlines = new Deadlines(nanos::get, ticks::add);

    @Test
    void aCallStillPendingAtItsDeadlineFailsAtTheNextTickAndOnlyThen() {
        CompletableFuture<String> call = deadlines.bound(new CompletableFuture<>(), 25 * MS);
        assertThat(ticks).as("the first pending call starts the ticking").hasSize(1);

        nanos.addAndGet(24 * MS);
        tick();
        assertThat(call).isNotDone();
        assertThat(ticks).as("still pending: ticks on").hasSize(1);

        nanos.addAndGet(MS);
        tick();
        assertThat(call).failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TimeoutException.class);
        assertThat(deadlines.pending()).isZero();
        assertThat(ticks).as("nothing pending: no more ticks").isEmpty();
    }

    @Test
    void aCallThatCompletesInTimeIsForgottenAndKeepsItsResult() {
        CompletableFuture<String> call = deadlines.bound(new CompletableFuture<>(), 25 * MS);
        call.complete("answer");
        assertThat(deadlines.pending()).isZero();

        nanos.addAndGet(100 * MS);
        tick();

        assertThat(call).isCompletedWithValue("answer");
        assertThat(ticks).isEmpty();
    }

    @Test
    void eachCallHasItsOwnDeadlineAndOneTickWatchesThemAll() {
        CompletableFuture<String> early = deadlines.bound(new CompletableFuture<>(), 10 * MS);
        CompletableFuture<String> sameDeadline = deadlines.bound(new CompletableFuture<>(), 10 * MS);
        CompletableFuture<String> late = deadlines.bound(new CompletableFuture<>(), 30 * MS);
        assertThat(ticks).as("one tick for all").hasSize(1);
        assertThat(deadlines.pending()).isEqualTo(3);

        nanos.addAndGet(10 * MS);
        tick();

        assertThat(early).isCompletedExceptionally();
        assertThat(sameDeadline).isCompletedExceptionally();
        assertThat(late).isNotDone();

        nanos.addAndGet(20 * MS);
        tick();
        assertThat(late).isCompletedExceptionally();
    }

    @Test
    void aCallAddedAfterTheTickingStoppedStartsItAgain() {
        deadlines.bound(new CompletableFuture<>(), 5 * MS).complete("x");
        tick();
        assertThat(ticks).isEmpty();

        CompletableFuture<String> next = deadlines.bound(new CompletableFuture<>(), 5 * MS);

        assertThat(ticks).hasSize(1);
        nanos.addAndGet(5 * MS);
        tick();
        assertThat(next).isCompletedExceptionally();
    }

    @Test
    void aCompletedCallIsReturnedUnwatched() {
        CompletableFuture<String> done = CompletableFuture.completedFuture("x");

        assertThat(deadlines.bound(done, 5 * MS)).isSameAs(done);
        assertThat(deadlines.pending()).isZero();
        assertThat(ticks).isEmpty();
    }

    @Test
    void theSystemDeadlinesFailACallOnTheirOwn() {
        CompletableFuture<String> call = Deadlines.system().bound(new CompletableFuture<>(), MS);

        assertThat(call).failsWithin(5, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TimeoutException.class);
    }

    private void tick() {
        Runnable tick = ticks.poll();
        assertThat(tick).as("a tick was scheduled").isNotNull();
        tick.run();
    }
}
