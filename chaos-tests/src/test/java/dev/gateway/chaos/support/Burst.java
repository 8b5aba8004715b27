package dev.gateway.chaos.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Concurrent clients: {@code threads} threads released together, each sending {@code perThread} requests one
 * after the other; request {@code i} of thread {@code t} goes where {@code target.of(t, i)} says. Returns every
 * attempt, in no particular order.
 */
public final class Burst {
    private Burst() {
    }

    /** Where one request goes. */
    public record Target(GatewayProcess node, String path, Map<String, String> headers) {
    }

    /** One request and its answer. */
    public record Attempt(Target target, Http.Reply reply) {
    }

    @FunctionalInterface
    public interface Targets {
        Target of(int thread, int request);
    }

    public static List<Attempt> run(Http http, int threads, int perThread, Duration timeout, Targets targets) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "chaos-client");
            t.setDaemon(true);
            return t;
        });
        CountDownLatch go = new CountDownLatch(1);
        List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                running.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        Target target = targets.of(thread, i);
                        attempts.add(new Attempt(target,
                                http.get(target.node().proxyPort(), target.path(), target.headers(), timeout)));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a client thread failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new ArrayList<>(attempts);
    }
}
