package dev.gateway.cluster.history;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A blocking Hazelcast read run on a daemon thread of its own and waited for at most {@code timeout}: Hazelcast's
 * blocking reads wait as long as they retry (a minute when a partition's owner is unreachable), and the console's
 * calls run on the admin listener's two threads. Callers arriving while a read runs share it, so an unanswering
 * cluster holds at most one reader thread per store however often the console refreshes. Thread-safe.
 */
final class TimedRead<T> {
    private final String what;
    private final Duration timeout;
    private final Supplier<T> read;
    private final AtomicReference<CompletableFuture<T>> running = new AtomicReference<>();

    TimedRead(String what, Duration timeout, Supplier<T> read) {
        this.what = what;
        this.timeout = timeout;
        this.read = read;
    }

    /** @throws IllegalStateException when the read fails or does not finish within the timeout */
    T get() {
        try {
            return start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + ": read interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + ": the cluster did not answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + ": read failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private CompletableFuture<T> start() {
        while (true) {
            CompletableFuture<T> current = running.get();
            if (current != null && !current.isDone()) {
                return current;
            }
            CompletableFuture<T> next = new CompletableFuture<>();
            if (running.compareAndSet(current, next)) {
                Thread reader = new Thread(() -> {
                    try {
                        next.complete(read.get());
                    } catch (RuntimeException e) {
                        next.completeExceptionally(e);
                    }
                }, "gateway-" + what.replace(' ', '-') + "-read");
                reader.setDaemon(true);
                reader.start();
                return next;
            }
        }
    }
}
