package dev.gateway.node.upstream.grizzly;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of an {@link UpstreamExchange}, and what it stands for: the connect timeout while a connection
 * opens, then the earlier of the exchange's deadline (the route's timeout, body included) and the end of the
 * response timeout, which counts from the last sign of progress and stops while the response body is paused by
 * back-pressure. Progress only records the time: when the timer fires before the real end, {@link #expired}
 * re-arms it for what is left, so there is no timer work per chunk. Not thread-safe: the exchange calls it under
 * its own monitor.
 */
final class ExchangeTimer {
    static final int NONE = -1;
    static final int CONNECT = 0;
    static final int RESPONSE = 1;
    static final int DEADLINE = 2;

    private final ScheduledExecutorService timer;
    private final Runnable onFire;
    /** The exchange's deadline, {@code Long.MAX_VALUE} when there is none. */
    private final long deadlineNanos;
    private final long responseTimeoutNanos;
    /** The last sign of progress; the response timeout counts from here. */
    private long progressNanos;
    /** The response body's reading is paused by back-pressure: the response timeout does not run. */
    private boolean paused;
    private int armedFor = NONE;
    private long armedDeadlineNanos;
    private ScheduledFuture<?> future;

    ExchangeTimer(ScheduledExecutorService timer, Runnable onFire, long deadlineNanos, long responseTimeoutNanos,
                  long nowNanos) {
        this.timer = timer;
        this.onFire = onFire;
        this.deadlineNanos = deadlineNanos;
        this.responseTimeoutNanos = responseTimeoutNanos;
        this.progressNanos = nowNanos;
    }

    /** A sign of progress at {@code nowNanos}: the response timeout counts from here. */
    void progress(long nowNanos) {
        progressNanos = nowNanos;
    }

    boolean armed() {
        return future != null;
    }

    /** Arms the connect timeout for {@code deadline}, unless an earlier end is armed already. */
    void armConnect(long deadline) {
        if (future == null || deadline < armedDeadlineNanos) {
            arm(deadline, CONNECT);
        }
    }

    /** Arms the earlier of the deadline and the end of the current response timeout. */
    void armProgress() {
        long response = paused ? Long.MAX_VALUE : progressNanos + responseTimeoutNanos;
        if (deadlineNanos <= response) {
            arm(deadlineNanos, DEADLINE);
        } else {
            arm(response, RESPONSE);
        }
    }

    void cancel() {
        if (future != null) {
            future.cancel(false);
            future = null;
        }
    }

    void pause() {
        paused = true;
    }

    /** Reading resumes at {@code nowNanos}; the upstream's silence counts from then. @return false when not paused */
    boolean resume(long nowNanos) {
        if (!paused) {
            return false;
        }
        paused = false;
        progressNanos = nowNanos;
        return true;
    }

    /**
     * The timer fired at {@code nowNanos}: which timeout has expired ({@link #CONNECT} only while
     * {@code connecting}), or {@link #NONE} after re-arming for what is left when it fired early or progress
     * moved the end later meanwhile.
     */
    int expired(long nowNanos, boolean connecting) {
        if (connecting && armedFor == CONNECT && nowNanos - armedDeadlineNanos >= 0) {
            return CONNECT;
        }
        if (deadlineNanos != Long.MAX_VALUE && nowNanos - deadlineNanos >= 0) {
            return DEADLINE;
        }
        if (!paused && nowNanos - (progressNanos + responseTimeoutNanos) >= 0) {
            return RESPONSE;
        }
        if (connecting && armedFor == CONNECT) {
            arm(armedDeadlineNanos, CONNECT); // fired a little early
        } else {
            armProgress();
        }
        return NONE;
    }

    /** Arms the timer for {@code deadline}; nothing is armed for {@code Long.MAX_VALUE}. */
    private void arm(long deadline, int what) {
        cancel();
        if (deadline == Long.MAX_VALUE) {
            return;
        }
        armedDeadlineNanos = deadline;
        armedFor = what;
        long delay = Math.max(0, deadline - System.nanoTime());
        future = timer.schedule(onFire, delay, TimeUnit.NANOSECONDS);
    }
}
