package dev.gateway.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.limiter.Decision;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CoalescerTest {
    /** Calls the test answers by hand: each records its count and waits for {@link #answer}. */
    private final List<Integer> counts = new ArrayList<>();
    private final List<CompletableFuture<Decision[]>> calls = new ArrayList<>();
    private final AtomicLong coalesced = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong();
    private final Queue<Runnable> ticks = new ArrayDeque<>();
    private final Deadlines deadlines = new Deadlines(nanos::get, ticks::add);
    private final Coalescer coalescer = coalescer(TimeUnit.SECONDS.toNanos(30));

    /** A coalescer over the hand-answered calls, its waiting measured on {@link #nanos}. */
    private Coalescer coalescer(long timeoutNanos) {
        return new Coalescer(count -> {
            CompletableFuture<Decision[]> call = new CompletableFuture<>();
            counts.add(count);
            calls.add(call);
            return call;
        }, timeoutNanos, deadlines, failure -> failure, coalesced::addAndGet);
    }

    @Test
    void checksThatArriveDuringACallGoTogetherInTheNextAndGetTheirOwnAnswersInOrder() {
        CompletableFuture<Decision> first = coalescer.check();
        List<CompletableFuture<Decision>> waiting = List.of(coalescer.check(), coalescer.check(), coalescer.check());
        assertThat(counts).as("one call at a time").containsExactly(1);

        calls.get(0).complete(answers(1, 100));

        assertThat(first.join().remaining()).isEqualTo(100);
        assertThat(counts).as("the three that waited, in one call").containsExactly(1, 3);
        assertThat(waiting).allMatch(w -> !w.isDone());
        assertThat(coalesced.get()).isEqualTo(2);

        calls.get(1).complete(answers(3, 10));

        assertThat(waiting).extracting(w -> w.join().remaining()).containsExactly(10L, 11L, 12L);
        CompletableFuture<Decision> later = coalescer.check();
        assertThat(counts).as("nothing in flight: a new check goes at once").containsExactly(1, 3, 1);
        calls.get(2).complete(answers(1, 7));
        assertThat(later.join().remaining()).isEqualTo(7);
    }

    @Test
    void eachCheckIsToldTheSizeOfTheCallThatCarriesItWhenThatCallIsSent() {
        List<Integer> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        coalescer.check(told::add);
        coalescer.check(told::add);
        coalescer.check(); // asks nothing, still counts in its call
        coalescer.check(told::add);
        assertThat(told).as("the first went alone; the others wait for the next call").containsExactly(1);

        calls.get(0).complete(answers(1, 100));

        assertThat(told).as("the three that waited went together, and two of them asked").containsExactly(1, 3, 3);
        calls.get(1).complete(answers(3, 10));
        coalescer.check(told::add);
        assertThat(told).as("alone again").containsExactly(1, 3, 3, 1);
    }

    @Test
    void aCheckThatWaitedItsWholeTimeoutIsToldNothing() {
        Coalescer shortOne = coalescer(100);
        shortOne.check();
        List<Integer> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Decision> late = shortOne.check(told::add);
        nanos.addAndGet(200);

        calls.get(0).complete(answers(1, 1));

        assertThat(late).isCompletedExceptionally();
        assertThat(told).as("no call carried it").isEmpty();
    }

    @Test
    void theNextCallIsSentBeforeTheEndedCallsAnswersAreHandedOut() {
        CompletableFuture<Decision> first = coalescer.check();
        coalescer.check();
        AtomicInteger callsWhenFirstAnswered = new AtomicInteger();
        first.thenRun(() -> callsWhenFirstAnswered.set(counts.size()));

        calls.get(0).complete(answers(1, 0));

        assertThat(callsWhenFirstAnswered).hasValue(2);
    }

    @Test
    void aFailedCallFailsItsChecksOnlyAndTheWaitingOnesStillGo() {
        CompletableFuture<Decision> first = coalescer.check();
        CompletableFuture<Decision> second = coalescer.check();

        calls.get(0).completeExceptionally(new IllegalStateException("member left"));

        assertThat(first).isCompletedExceptionally();
        assertThat(counts).containsExactly(1, 1);
        calls.get(1).complete(answers(1, 5));
        assertThat(second.join().remaining()).isEqualTo(5);
    }

    @Test
    void aCallThatThrowsIsAFailedCallAndDoesNotLockTheKey() {
        AtomicInteger attempts = new AtomicInteger();
        Coalescer throwing = new Coalescer(count -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("not active");
            }
            return CompletableFuture.completedFuture(answers(count, 3));
        }, TimeUnit.SECONDS.toNanos(30), deadlines, failure -> failure, n -> { });

        CompletableFuture<Decision> failed = throwing.check();
        CompletableFuture<Decision> next = throwing.check();

        assertThat(failed).isCompletedExceptionally();
        assertThat(next.join().remaining()).isEqualTo(3);
    }

    @Test
    void anAnswerWithTheWrongNumberOfDecisionsFailsTheWholeBatch() {
        coalescer.check();
        List<CompletableFuture<Decision>> batch = List.of(coalescer.check(), coalescer.check());
        calls.get(0).complete(answers(1, 0));

        calls.get(1).complete(answers(1, 0));

        assertThat(batch).allSatisfy(check -> assertThat(check).failsWithin(0, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class)
                .withMessageContaining("the owner answered 1 decisions for 2 checks"));
    }

    @Test
    void concurrentChecksAreEachAnsweredOnceWithNoCallOverlapping() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicLong next = new AtomicLong();
        ExecutorService owner = Executors.newSingleThreadExecutor();
        ConcurrentLinkedQueue<Integer> sizes = new ConcurrentLinkedQueue<>();
        Coalescer concurrent = new Coalescer(count -> {
            if (inFlight.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            sizes.add(count);
            return CompletableFuture.supplyAsync(() -> {
                Decision[] decisions = new Decision[count];
                for (int i = 0; i < count; i++) {
                    decisions[i] = new Decision(true, 1, next.getAndIncrement(), 0, 0);
                }
                inFlight.decrementAndGet();
                return decisions;
            }, owner);
        }, TimeUnit.SECONDS.toNanos(30), deadlines, failure -> failure, n -> { });
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<CompletableFuture<Decision>>>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                work.add(callers.submit(() -> {
                    List<CompletableFuture<Decision>> mine = new ArrayList<>();
                    for (int i = 0; i < 5_000; i++) {
                        mine.add(concurrent.check());
                    }
                    return mine;
                }));
            }
            List<Long> seen = new ArrayList<>();
            for (Future<List<CompletableFuture<Decision>>> w : work) {
                for (CompletableFuture<Decision> check : w.get(30, TimeUnit.SECONDS)) {
                    seen.add(check.get(30, TimeUnit.SECONDS).remaining());
                }
            }
            assertThat(seen).hasSize(20_000).doesNotHaveDuplicates();
            assertThat(overlaps).as("calls of one key never overlap").hasValue(0);
            assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20_000);
        } finally {
            callers.shutdownNow();
            owner.shutdownNow();
        }
    }

    @Test
    void aCallWithoutAnAnswerFailsAtItsDeadlineAndTheWaitingOnesGoWithWhatIsLeftOfTheirs() {
        Coalescer bounded = coalescer(TimeUnit.MILLISECONDS.toNanos(50));
        CompletableFuture<Decision> first = bounded.check();
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(30));
        CompletableFuture<Decision> waited = bounded.check();

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(20));
        tick();

        assertThat(first).failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TimeoutException.class);
        assertThat(counts).as("the waiting check had 30 ms left: it went").containsExactly(1, 1);
        assertThat(waited).isNotDone();

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(29));
        tick();
        assertThat(waited).as("1 ms before its deadline").isNotDone();
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        tick();
        assertThat(waited).failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TimeoutException.class);

        CompletableFuture<Decision> later = bounded.check();
        calls.get(2).complete(answers(1, 9));
        assertThat(later.join().remaining()).isEqualTo(9);
        assertThat(deadlines.pending()).isZero();
    }

    @Test
    void checksThatWaitedTheirWholeTimeoutFailWithoutACall() {
        Coalescer bounded = coalescer(TimeUnit.SECONDS.toNanos(1));
        CompletableFuture<Decision> first = bounded.check();
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(400));
        List<CompletableFuture<Decision>> waited = List.of(bounded.check(), bounded.check());
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1)); // the first waiter's whole second

        calls.get(0).complete(answers(1, 0));

        assertThat(first.join().remaining()).isZero();
        assertThat(counts).as("no call for checks with no time left").containsExactly(1);
        assertThat(waited).allSatisfy(check -> assertThat(check).isCompletedExceptionally()
                .failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TimeoutException.class));
        assertThat(bounded.check()).isNotDone();
        assertThat(counts).as("and the key is free again").containsExactly(1, 1);
    }

    @Test
    void theFailureOfACallIsMappedOnceForAllItsChecks() {
        AtomicInteger mapped = new AtomicInteger();
        Coalescer mapping = new Coalescer(count -> CompletableFuture.failedFuture(new IllegalStateException("gone")),
                TimeUnit.SECONDS.toNanos(30), deadlines, failure -> {
                    mapped.incrementAndGet();
                    return new IllegalArgumentException("unavailable: " + failure.getMessage());
                }, n -> { });

        assertThat(mapping.check()).failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(IllegalArgumentException.class).withMessageContaining("unavailable: gone");
        assertThat(mapped).hasValue(1);
    }

    /** Runs the tick the deadlines asked for (each tick asks for the next while calls are pending). */
    private void tick() {
        Runnable tick = ticks.poll();
        assertThat(tick).as("a tick was scheduled").isNotNull();
        tick.run();
    }

    private static Decision[] answers(int count, long firstRemaining) {
        Decision[] decisions = new Decision[count];
        for (int i = 0; i < count; i++) {
            decisions[i] = new Decision(true, 100, firstRemaining + i, 0, 0);
        }
        return decisions;
    }
}
