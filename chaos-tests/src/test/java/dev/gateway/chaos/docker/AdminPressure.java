package dev.gateway.chaos.docker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Operators and dashboards asking every node for {@code GET /admin/cluster} without pause, {@value #CALLERS}
 * callers per node, while a fault makes the cluster slow to answer: what a node must survive without its
 * {@code /health/ready} going unanswered (HAProxy would mark a serving node down). Each read gives up after the
 * admin client's 3 s; stopped by {@link #stop}, at the latest when the scenario's timeout ends the test.
 */
final class AdminPressure {
    static final int CALLERS = 3;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    private AdminPressure() {
    }

    static AdminPressure start(List<DockerNode> nodes) {
        AdminPressure p = new AdminPressure();
        for (DockerNode n : nodes) {
            for (int i = 0; i < CALLERS; i++) {
                Thread t = new Thread(() -> {
                    while (p.running.get()) {
                        p.reads.incrementAndGet();
                        if (n.clusterSize() == -1) {
                            p.unanswered.incrementAndGet();
                        }
                    }
                }, "admin-pressure-" + n.name() + "-" + i);
                t.setDaemon(true);
                t.start();
                p.threads.add(t);
            }
        }
        return p;
    }

    /** Stops the callers (each ends within its current read) and says what they saw. */
    String stop() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return reads.get() + " GET /admin/cluster from " + CALLERS + " callers per node, " + unanswered.get()
                + " not answered 200 within 3 s";
    }
}
