package dev.gateway.chaos.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A steady trickle of requests while something breaks: one request per {@code period} from a single thread
 * (so at most one is in flight at any moment), cycling through {@code targets}. {@link #stop()} returns every
 * attempt, in order.
 */
public final class PacedLoad {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chaos-paced-load");
        t.setDaemon(true);
        return t;
    });
    private final List<Burst.Attempt> attempts = Collections.synchronizedList(new ArrayList<>());

    private PacedLoad(Http http, List<Burst.Target> targets, Duration period, Duration timeout) {
        int[] next = {0};
        timer.scheduleAtFixedRate(() -> {
            Burst.Target target = targets.get(next[0]++ % targets.size());
            attempts.add(new Burst.Attempt(target,
                    http.get(target.node().proxyPort(), target.path(), target.headers(), timeout)));
        }, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    }

    public static PacedLoad start(Http http, List<Burst.Target> targets, Duration period, Duration timeout) {
        return new PacedLoad(http, targets, period, timeout);
    }

    /** Requests answered so far. */
    public int sent() {
        return attempts.size();
    }

    /** Stops after the request in flight, if any, and returns every attempt. */
    public List<Burst.Attempt> stop() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a paced request did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (attempts) {
            return new ArrayList<>(attempts);
        }
    }
}
