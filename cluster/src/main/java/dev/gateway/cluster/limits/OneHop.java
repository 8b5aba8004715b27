package dev.gateway.cluster.limits;

import com.hazelcast.internal.util.executor.HazelcastManagedThread;
import com.hazelcast.spi.impl.DelegatingCompletableFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Moves the result of a Hazelcast future to a plain {@link CompletableFuture} in one hand-off. Hazelcast runs
 * even the non-async dependants of its futures on its default executor (the common pool), and a map call's
 * future ({@code submitToKey}, {@code getAsync}: a {@link DelegatingCompletableFuture}) already completes its
 * own state in such a task, with the result deserialized. Every stage chained onto it through its
 * {@code CompletionStage} methods goes to the invocation behind it and adds a task of its own, and one more for
 * the delegating future it returns: three wake-ups of the pool per rate-limit call in the 3-node profile. Here
 * the plain future follows the delegating future's own state ({@link CompletableFuture#copy()}, which it does
 * not redirect), so it completes inside the task Hazelcast runs anyway: one hand-off in all.
 *
 * <p>Whatever completes on a Hazelcast thread (another kind of future, or a Hazelcast version that completes
 * inline) is handed to {@code executor} instead, because Hazelcast threads may not call Hazelcast again and must
 * not run a request's work. So the plain future never completes on a Hazelcast thread; what follows it runs
 * inline where it completes.
 */
final class OneHop {
    private OneHop() {
    }

    /**
     * As {@link #complete}, for a call still to be made: a call that throws at once (a member shutting down, say)
     * is a failed future, never an exception, so whoever waits on the call (a key's {@link Coalescer}) always
     * sees it end.
     */
    static <T, R> CompletableFuture<R> call(Supplier<? extends CompletionStage<T>> hazelcast, Executor executor,
                                            Function<T, R> map) {
        CompletionStage<T> stage;
        try {
            stage = hazelcast.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return complete(stage, executor, map);
    }

    /**
     * {@code hazelcast}'s result mapped by {@code map}, failures passed through; completed in the task where
     * Hazelcast completes a map call's future, or on {@code executor} if it would otherwise complete on a
     * Hazelcast thread. Also maps a plain stage (where it completes, unless that is a Hazelcast thread).
     */
    static <T, R> CompletableFuture<R> complete(CompletionStage<T> hazelcast, Executor executor, Function<T, R> map) {
        CompletableFuture<R> plain = new CompletableFuture<>();
        BiConsumer<T, Throwable> finish = (value, failure) -> {
            if (failure != null) {
                plain.completeExceptionally(failure);
                return;
            }
            try {
                plain.complete(map.apply(value));
            } catch (RuntimeException e) {
                plain.completeExceptionally(e);
            }
        };
        BiConsumer<T, Throwable> offHazelcastThreads = (value, failure) -> {
            if (Thread.currentThread() instanceof HazelcastManagedThread) {
                executor.execute(() -> finish.accept(value, failure));
            } else {
                finish.accept(value, failure);
            }
        };
        if (hazelcast instanceof DelegatingCompletableFuture<T> delegating) {
            delegating.copy().whenComplete(offHazelcastThreads); // copy(): a plain future on its own state
        } else {
            hazelcast.whenCompleteAsync(offHazelcastThreads, Runnable::run);
        }
        return plain;
    }
}
