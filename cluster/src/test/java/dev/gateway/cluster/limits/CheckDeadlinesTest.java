package dev.gateway.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CheckDeadlinesTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final Queue<Runnable> sweeps = new ArrayDeque<>();
    private final CheckDeadlines deadlines = new CheckDeadlines(Duration.ofNanos(500), now::get, sweeps::add);

    @Test
    void aCheckNotAnsweredByItsDeadlineFailsWithATimeoutAndOnlyThen() {
        CompletableFuture<String> check = new CompletableFuture<>();
        deadlines.bound(check);

        now.addAndGet(499);
        runSweeps();
        assertThat(check).isNotDone();

        now.addAndGet(1);
        runSweeps();
        assertThat(check).isCompletedExceptionally();
        assertThat(check.handle((v, e) -> e).join()).isInstanceOf(TimeoutException.class);
        assertThat(deadlines.queued()).isZero();
        assertThat(sweeps).as("nothing pending: no sweep armed").isEmpty();
    }

    @Test
    void answeredChecksKeepTheirAnswerAndLeaveAtTheNextSweep() {
        CompletableFuture<String> answered = new CompletableFuture<>();
        CompletableFuture<String> waiting = new CompletableFuture<>();
        deadlines.bound(answered);
        now.addAndGet(100);
        deadlines.bound(waiting);
        assertThat(sweeps).as("one sweep armed for both").hasSize(1);
        answered.complete("ok");

        now.addAndGet(450);
        runSweeps();
        assertThat(answered.join()).isEqualTo("ok");
        assertThat(waiting).isNotDone();
        assertThat(deadlines.queued()).isEqualTo(1);

        now.addAndGet(50);
        runSweeps();
        assertThat(waiting).isCompletedExceptionally();
    }

    @Test
    void aSweepStopsAtTheFirstCheckStillInTime() {
        CompletableFuture<String> first = new CompletableFuture<>();
        deadlines.bound(first);
        now.addAndGet(300);
        CompletableFuture<String> second = new CompletableFuture<>();
        deadlines.bound(second);

        now.addAndGet(200);
        runSweeps();
        assertThat(first).isCompletedExceptionally();
        assertThat(second).isNotDone();
        assertThat(sweeps).as("still pending: the next sweep is armed").hasSize(1);
    }

    /** Runs the sweeps armed so far (not the ones they arm in turn). */
    private void runSweeps() {
        for (int n = sweeps.size(); n > 0; n--) {
            sweeps.poll().run();
        }
    }
}
