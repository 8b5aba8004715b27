package dev.gateway.cluster.limits;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Fails checks that outlive the request timeout, cheaply. Every check has the same timeout, so deadlines arrive
 * in the order checks start: a FIFO queue is already sorted, and one sweep every {@link #SWEEP} fails the
 * expired ones at its head and drops the answered ones. That costs a lock-free enqueue per check, where
 * {@code CompletableFuture.orTimeout} took the JDK delay queue's lock twice (schedule, then cancel) and woke its
 * thread: a few percent of the entry node's CPU in the 3-node benchmark. A timeout fires up to one sweep late.
 * The sweeps run only while checks are pending.
 */
final class CheckDeadlines {
    /** How often expired checks are looked for while any is pending: the most a timeout fires late. */
    static final Duration SWEEP = Duration.ofMillis(10);

    private final long timeoutNanos;
    private final LongSupplier nanoTime;
    private final Executor sweepLater;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean armed = new AtomicBoolean();

    private record Pending(long deadline, CompletableFuture<?> check) {
    }

    /** Sweeps on the JDK's shared delay thread, handing each to the common pool. */
    CheckDeadlines(Duration timeout) {
        this(timeout, System::nanoTime, CompletableFuture.delayedExecutor(SWEEP.toNanos(), TimeUnit.NANOSECONDS));
    }

    /**
     * @param nanoTime   a monotonic clock
     * @param sweepLater runs a sweep about {@link #SWEEP} from now
     */
    CheckDeadlines(Duration timeout, LongSupplier nanoTime, Executor sweepLater) {
        this.timeoutNanos = timeout.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.sweepLater = Objects.requireNonNull(sweepLater, "sweepLater");
    }

    /** Fails {@code check} with a {@link TimeoutException} unless it completes within the timeout. */
    void bound(CompletableFuture<?> check) {
        pending.add(new Pending(nanoTime.getAsLong() + timeoutNanos, check));
        arm();
    }

    /** Checks waiting for an answer or for the next sweep (answered ones leave at a sweep). */
    int queued() {
        return pending.size();
    }

    void sweep() {
        armed.set(false);
        long now = nanoTime.getAsLong();
        for (Pending head = pending.peek(); head != null; head = pending.peek()) {
            if (!head.check().isDone() && head.deadline() - now > 0) {
                break;
            }
            pending.poll();
            if (!head.check().isDone()) {
                head.check().completeExceptionally(new TimeoutException());
            }
        }
        if (!pending.isEmpty()) {
            arm();
        }
    }

    private void arm() {
        if (!armed.get() && armed.compareAndSet(false, true)) {
            sweepLater.execute(this::sweep);
        }
    }
}
