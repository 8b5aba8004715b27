package dev.gateway.cluster.limits;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Moves the result of a Hazelcast future to a plain {@link CompletableFuture} in one hand-off. Hazelcast runs
 * even the non-async dependants of its futures on its default executor, so every stage chained onto one (and
 * onto the futures it derives) was another hop through the common pool: a wake-up each, two or three per
 * rate-limit call in the 3-node profile. The plain future completes inside one task on {@code executor}; what
 * follows runs there, inline (a map's delegating future still adds Hazelcast's own hand-off before it). The executor must not be a Hazelcast thread (those may not call Hazelcast again).
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
     * {@code hazelcast}'s result mapped by {@code map}, completed on {@code executor}; failures pass through.
     * Also maps a plain stage (with {@code Runnable::run}: where it completes).
     */
    static <T, R> CompletableFuture<R> complete(CompletionStage<T> hazelcast, Executor executor, Function<T, R> map) {
        CompletableFuture<R> plain = new CompletableFuture<>();
        hazelcast.whenCompleteAsync((value, failure) -> {
            if (failure != null) {
                plain.completeExceptionally(failure);
                return;
            }
            try {
                plain.complete(map.apply(value));
            } catch (RuntimeException e) {
                plain.completeExceptionally(e);
            }
        }, executor);
        return plain;
    }
}
