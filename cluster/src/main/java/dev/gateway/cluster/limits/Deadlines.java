package dev.gateway.cluster.limits;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Fails calls that outlive their deadline, checked once per tick by a single task that is scheduled only while
 * some call is pending. A timer per call ({@link CompletableFuture#orTimeout}) put each call's deadline at the
 * head of an otherwise empty delay queue and so woke the JDK's delay thread once per call; here a busy node pays
 * one wake-up per tick, and bounding a call is a set insertion and removal.
 *
 * <p>A call fails with {@link TimeoutException} at the first tick at or after its deadline, so up to one tick
 * late. Thread-safe.
 */
final class Deadlines {
    /** How often pending calls are checked: the most a timeout fires late. */
    static final Duration DEFAULT_TICK = Duration.ofMillis(10);

    private final LongSupplier nanoClock;
    private final Executor tickLater;
    private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean ticking = new AtomicBoolean();

    /** One watched call; identity equality, so two calls with one deadline are two entries. */
    private static final class Pending {
        final CompletableFuture<?> call;
        final long deadline;

        Pending(CompletableFuture<?> call, long deadline) {
            this.call = call;
            this.deadline = deadline;
        }
    }

    /** Real time, ticking every {@link #DEFAULT_TICK} on the common pool. */
    static Deadlines system() {
        return new Deadlines(System::nanoTime, CompletableFuture.delayedExecutor(
                DEFAULT_TICK.toNanos(), TimeUnit.NANOSECONDS, ForkJoinPool.commonPool()));
    }

    /**
     * @param nanoClock a monotonic clock in nanoseconds ({@link System#nanoTime()})
     * @param tickLater runs a task one tick from now
     */
    Deadlines(LongSupplier nanoClock, Executor tickLater) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.tickLater = Objects.requireNonNull(tickLater, "tickLater");
    }

    /** The clock deadlines are measured on. */
    long now() {
        return nanoClock.getAsLong();
    }

    /**
     * Fails {@code call} with {@link TimeoutException} if it is not complete {@code budgetNanos} from now (at the
     * next tick after that); returns it. Completing it first takes it out of the watch.
     */
    <T> CompletableFuture<T> bound(CompletableFuture<T> call, long budgetNanos) {
        if (call.isDone()) {
            return call;
        }
        Pending entry = new Pending(call, now() + budgetNanos);
        pending.add(entry);
        call.whenComplete((value, failure) -> pending.remove(entry));
        if (ticking.compareAndSet(false, true)) {
            tickLater.execute(this::tick);
        }
        return call;
    }

    /** Calls being watched (for tests). */
    int pending() {
        return pending.size();
    }

    private void tick() {
        long now = now();
        for (Pending entry : pending) {
            if (now - entry.deadline >= 0 && pending.remove(entry)) {
                entry.call.completeExceptionally(new TimeoutException("no answer in time"));
            }
        }
        ticking.set(false);
        // a call added while this tick ran may have seen ticking == true and not scheduled one
        if (!pending.isEmpty() && ticking.compareAndSet(false, true)) {
            tickLater.execute(this::tick);
        }
    }
}
