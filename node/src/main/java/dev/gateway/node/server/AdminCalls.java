package dev.gateway.node.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the admin listener's calls that may wait for the cluster run on ({@code /admin/*} and
 * {@code /metrics}: a cluster view, a config publish, the shared cache's size), so that the listener's own worker
 * threads stay free for {@code /health/*}. A balancer's health check then answers while the cluster is slow to
 * (during a partition, packet loss or a merge), and a serving node is not marked down because an operator or a
 * scraper asked for something the cluster could not answer in time. Bounded: {@value #THREADS} calls run and
 * {@value #WAITING} wait; beyond that a call is refused (503) instead of queueing without end.
 */
final class AdminCalls implements AutoCloseable {
    /** Calls that run at once. */
    static final int THREADS = 2;
    /** Calls that wait for a thread; one more is refused. */
    static final int WAITING = 16;

    private final ThreadPoolExecutor executor;

    AdminCalls() {
        AtomicInteger numbers = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(WAITING),
                r -> {
                    Thread t = new Thread(r, "gateway-admin-call-" + numbers.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code call} on an admin-call thread; false, without running it, when every thread and place is taken. */
    boolean submit(Runnable call) {
        try {
            executor.execute(call);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Calls waiting for a thread now. */
    int waiting() {
        return executor.getQueue().size();
    }

    /** Stops the threads; calls still waiting are dropped (their connections close with the listener). */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
