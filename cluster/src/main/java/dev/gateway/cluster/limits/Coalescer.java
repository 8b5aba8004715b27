package dev.gateway.cluster.limits;

import dev.gateway.limiter.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * One key's single-token checks on this node, one call to the owner at a time: a check that arrives while a call
 * is in flight waits, and all that waited go together in the next call, as a count. The call answers one decision
 * per check, in arrival order; a failed call fails the checks it carried, and the next call still goes.
 *
 * <p>When a call ends, the next one is sent before the answers of the ended one are handed out, so the checks
 * that waited are on their way while the answered ones continue their requests.
 *
 * <p>Every check is answered within the timeout of its arrival: a call gets what is left of the timeout of the
 * oldest check it carries (a call that does not answer by then fails its checks with a {@link TimeoutException};
 * it may still take effect on the owner later), and checks that used all of it waiting fail without a call. The
 * call is watched by {@link Deadlines}, which may fire up to one tick late.
 *
 * <p>A check may ask to be told the size of the call that carries it ({@link #check(IntConsumer)}): more than 1
 * means it was coalesced with other checks of the key. That is told on the sending thread, before the call goes.
 *
 * <p>{@code call} is given the number of checks and must not throw (a throw is taken as a failed call); whatever
 * it answers completes the checks' futures on the thread that completes it (a timeout: the thread of the
 * {@link Deadlines} tick). Thread-safe.
 */
final class Coalescer {
    private final IntFunction<? extends CompletionStage<Decision[]>> call;
    private final long timeoutNanos;
    private final Deadlines deadlines;
    private final Function<Throwable, ? extends Throwable> failures;
    private final IntConsumer coalesced;
    private final Object lock = new Object();
    private List<CompletableFuture<Decision>> waiting = new ArrayList<>();
    private long waitingSince; // deadlines.now() when the first of waiting arrived
    private boolean inFlight;

    /**
     * @param call         sends one call for a count of checks; answers that many decisions, in order
     * @param timeoutNanos the longest a check may wait for its answer, from its arrival
     * @param deadlines    watches each call, and is the clock of how long checks waited
     * @param failures     what the checks of a failed call fail with, given the call's failure (once per call)
     * @param coalesced    told how many checks rode along in another's call (a batch's size - 1), per call
     */
    Coalescer(IntFunction<? extends CompletionStage<Decision[]>> call, long timeoutNanos, Deadlines deadlines,
              Function<Throwable, ? extends Throwable> failures, IntConsumer coalesced) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeoutNanos: " + timeoutNanos + " (expected: > 0)");
        }
        this.call = Objects.requireNonNull(call, "call");
        this.timeoutNanos = timeoutNanos;
        this.deadlines = Objects.requireNonNull(deadlines, "deadlines");
        this.failures = Objects.requireNonNull(failures, "failures");
        this.coalesced = Objects.requireNonNull(coalesced, "coalesced");
    }

    /** One check; completes with its decision, or with the failure of the call that carried it. */
    CompletableFuture<Decision> check() {
        return check(null);
    }

    /**
     * One check, as {@link #check()}; {@code batch} (if not null) is told the number of checks of the call that
     * carries it (1: alone, more: coalesced) when that call is sent, before the answer.
     */
    CompletableFuture<Decision> check(IntConsumer batch) {
        CompletableFuture<Decision> answer = new Check(batch);
        synchronized (lock) {
            if (inFlight) {
                if (waiting.isEmpty()) {
                    waitingSince = deadlines.now();
                }
                waiting.add(answer);
                return answer;
            }
            inFlight = true;
        }
        send(List.of(answer), timeoutNanos);
        return answer;
    }

    private void send(List<CompletableFuture<Decision>> batch, long budgetNanos) {
        int checks = batch.size();
        if (checks > 1) {
            coalesced.accept(checks - 1);
        }
        CompletableFuture<Decision[]> sent;
        if (budgetNanos <= 0) {
            sent = CompletableFuture.failedFuture(new TimeoutException("waited the whole timeout for an earlier call"));
        } else {
            for (CompletableFuture<Decision> check : batch) {
                ((Check) check).sent(checks);
            }
            try {
                sent = deadlines.bound(call.apply(checks).toCompletableFuture(), budgetNanos);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
        }
        sent.whenComplete((decisions, failure) -> {
            sendWaiting();
            answer(batch, decisions, failure);
        });
    }

    private void sendWaiting() {
        List<CompletableFuture<Decision>> next;
        long since;
        synchronized (lock) {
            if (waiting.isEmpty()) {
                inFlight = false;
                return;
            }
            next = waiting;
            since = waitingSince;
            waiting = new ArrayList<>();
        }
        send(next, timeoutNanos - (deadlines.now() - since));
    }

    /** A check's future, with whoever wants to know the size of the call that carries it: no allocation more. */
    private static final class Check extends CompletableFuture<Decision> {
        private final IntConsumer batch;

        Check(IntConsumer batch) {
            this.batch = batch;
        }

        void sent(int checks) {
            if (batch != null) {
                batch.accept(checks);
            }
        }
    }

    private void answer(List<CompletableFuture<Decision>> batch, Decision[] decisions, Throwable failure) {
        Throwable problem = failure;
        if (problem == null && (decisions == null || decisions.length != batch.size())) {
            problem = new IllegalStateException("the owner answered " + (decisions == null ? "nothing" : decisions.length
                    + " decisions") + " for " + batch.size() + " checks");
        }
        if (problem != null) {
            Throwable shared = failures.apply(problem);
            for (CompletableFuture<Decision> check : batch) {
                check.completeExceptionally(shared);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(decisions[i]);
        }
    }
}
