package dev.gateway.node.upstream.health;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether one upstream target should get traffic, from two sources of evidence:
 * <ul>
 *   <li>active checks: {@code unhealthy-after} consecutive failed probes mark it down,
 *       {@code healthy-after} consecutive good ones mark it up again;</li>
 *   <li>real traffic (passive): {@code unhealthy-after} consecutive failed requests mark it
 *       down; a passive failure never marks it up. With active checks, only they re-admit the
 *       target; without them, it is re-admitted after {@link #PASSIVE_COOL_DOWN_NANOS}.</li>
 * </ul>
 * Targets start healthy. Thread-safe; {@link #isHealthy} is one volatile read on the hot path.
 */
public final class TargetHealth {
    /** How long a target ejected by real traffic stays out when no active check can re-admit it. */
    public static final long PASSIVE_COOL_DOWN_NANOS = 10_000_000_000L;

    private volatile boolean healthy = true;
    private volatile long ejectedAtNanos;
    private volatile boolean activelyChecked;
    private final AtomicInteger passiveFailures = new AtomicInteger();
    private int activeSuccesses;
    private int activeFailures;

    public boolean isHealthy() {
        return healthy || readmitAfterCoolDown(System.nanoTime());
    }

    private boolean readmitAfterCoolDown(long nowNanos) {
        if (!activelyChecked && nowNanos - ejectedAtNanos > PASSIVE_COOL_DOWN_NANOS) {
            passiveFailures.set(0);
            healthy = true;
            return true;
        }
        return false;
    }

    public synchronized void activeResult(boolean ok, int healthyAfter, int unhealthyAfter, long nowNanos) {
        activelyChecked = true;
        if (ok) {
            activeFailures = 0;
            if (++activeSuccesses >= healthyAfter && !healthy) {
                passiveFailures.set(0);
                healthy = true;
            }
        } else {
            activeSuccesses = 0;
            if (++activeFailures >= unhealthyAfter && healthy) {
                eject(nowNanos);
            }
        }
    }

    public void passiveResult(boolean ok, int unhealthyAfter, long nowNanos) {
        if (ok) {
            if (passiveFailures.get() != 0) {
                passiveFailures.set(0);
            }
        } else if (passiveFailures.incrementAndGet() >= unhealthyAfter && healthy) {
            synchronized (this) {
                activeSuccesses = 0;
                eject(nowNanos);
            }
        }
    }

    /** Active checks stopped (config changed): passive ejections fall back to the cool-down. */
    public void activeChecksStopped() {
        activelyChecked = false;
    }

    private void eject(long nowNanos) {
        ejectedAtNanos = nowNanos;
        healthy = false;
    }
}
