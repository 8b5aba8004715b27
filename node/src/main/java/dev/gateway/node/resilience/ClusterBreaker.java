package dev.gateway.node.resilience;

import dev.gateway.limiter.Ticker;
import dev.gateway.limiter.breaker.BreakerBoard;
import dev.gateway.limiter.breaker.BreakerBoardUnavailableException;
import dev.gateway.limiter.breaker.BreakerPolicy;
import dev.gateway.limiter.breaker.BreakerSnapshot;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.BreakerState;
import dev.gateway.limiter.breaker.Evidence;
import dev.gateway.limiter.breaker.HeldView;
import dev.gateway.limiter.breaker.OutcomeWindow;
import dev.gateway.limiter.breaker.ProbeAnswer;
import dev.gateway.limiter.breaker.SharedBreakerView;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One upstream's breaker shared by the cluster ({@code scope: cluster}), as one node uses it. The request path
 * reads only a local copy of the cluster's decision: no cluster call per request. Outcomes go into this node's
 * window, which {@link SharedBreakers} reports to the entry's owner every interval and at once when the window
 * alone would trip; the owner decides on every node's evidence and a majority of nodes, and its answer (or a
 * listener event) replaces the local copy. {@code OPEN}-until is the owner's clock. In {@code HALF_OPEN} a call
 * goes only under a probe lease granted by the owner, so the whole cluster sends exactly {@code half-open-probes}
 * probes. The lease is asked for on the breaker's worker thread; a request that {@link #acquire() acquires} meanwhile
 * waits for the answer up to {@code probe-wait} and, granted, is the probe itself (so the first caller after
 * {@code open-for} is not refused for want of a lease); {@link #tryAcquire()} never waits and is refused then.
 * When the cluster has not answered for a while, the node's own breaker decides until it does again. While the
 * cluster says {@code CLOSED}, the node's own breaker still sees every outcome and refuses when it has tripped on
 * failures only this node sees (a broken path of its own): the cluster's majority rule keeps one node from opening
 * the breaker for everyone, not from protecting itself.
 */
final class ClusterBreaker implements Breaker {
    /** After this long without an answer from the cluster, the node's own breaker decides. */
    static final long STALE_MILLIS = 3_000;
    /**
     * After this long of views older than the one held (a lower generation), the node takes the cluster's word:
     * the breaker's entry was lost (its owner and backups died) or replaced in a split's heal, and the new
     * entry's generations started again. Shorter contradictions are out-of-order events, and are ignored. With
     * a report answered at least once a second, a node re-syncs within 3 s.
     */
    static final long RESYNC_MILLIS = 2_000;
    private static final long PROBING_RETRY_AFTER_MILLIS = 1_000;
    private static final long HEARTBEAT_MILLIS = 1_000;

    private final String upstream;
    private final String node;
    private final BreakerSpec spec;
    private final BreakerPolicy policy;
    private final OutcomeWindow window;
    private final LocalBreaker fallback;
    private final Ticker ticker;
    private final BreakerBoard board;
    private final Executor worker;
    private final Consumer<BreakerState> onTransition;
    private final AtomicBoolean reportPending = new AtomicBoolean();
    /** The probe-lease request on its way to the owner, completed when answered (or failed); null when none. */
    private final AtomicReference<CompletableFuture<Void>> probeRequest = new AtomicReference<>();
    private final long probeWaitMillis;
    private final AtomicReference<Long> lease = new AtomicReference<>();
    /** The node's own breaker's last ticket while the cluster says CLOSED, and its wrapper: no garbage per call. */
    private volatile Wrapped lastFollowing;
    private volatile SharedBreakerView view;
    private volatile long lastAnswerMillis;
    /** Since when every view heard has been older than the one held; 0 while none is. Under this's lock. */
    private long contradictedSinceMillis;
    private Evidence lastReported;
    private long lastReportMillis;

    ClusterBreaker(String upstream, String node, BreakerSpec spec, LocalBreaker fallback, Ticker ticker,
                   BreakerBoard board, Executor worker, Consumer<BreakerState> onTransition) {
        this(upstream, node, spec, fallback, ticker, board, worker, onTransition, 0);
    }

    /** @param probeWaitMillis how long {@link #acquire()} waits for a probe lease (0: not at all) */
    ClusterBreaker(String upstream, String node, BreakerSpec spec, LocalBreaker fallback, Ticker ticker,
                   BreakerBoard board, Executor worker, Consumer<BreakerState> onTransition, long probeWaitMillis) {
        this.probeWaitMillis = probeWaitMillis;
        this.upstream = upstream;
        this.node = node;
        this.spec = spec;
        this.policy = new BreakerPolicy(spec);
        this.window = new OutcomeWindow(spec.window());
        this.fallback = fallback;
        this.ticker = ticker;
        this.board = board;
        this.worker = worker;
        this.onTransition = onTransition;
    }

    @Override
    public Ticket tryAcquire() {
        Ticket decided = decide();
        if (decided != null) {
            return decided;
        }
        requestProbe();
        return refused(PROBING_RETRY_AFTER_MILLIS);
    }

    @Override
    public CompletionStage<Ticket> acquire() {
        Ticket decided = decide();
        if (decided != null) {
            return CompletableFuture.completedFuture(decided);
        }
        CompletableFuture<Void> answer = requestProbe();
        if (probeWaitMillis <= 0) {
            return CompletableFuture.completedFuture(refused(PROBING_RETRY_AFTER_MILLIS));
        }
        CompletableFuture<Ticket> mine = new CompletableFuture<>();
        answer.whenComplete((ignored, failure) -> {
            Ticket t = decide();
            Ticket ticket = t == null ? refused(PROBING_RETRY_AFTER_MILLIS) : t;
            if (!mine.complete(ticket) && ticket instanceof ProbeTicket probe) {
                lease.compareAndSet(null, probe.leaseUntilMillis); // the wait ended first: the next request probes
            }
        });
        return mine.completeOnTimeout(refused(PROBING_RETRY_AFTER_MILLIS), probeWaitMillis, TimeUnit.MILLISECONDS);
    }

    /** The ticket the current view gives at once, or null when a probe lease is needed first. */
    private Ticket decide() {
        long now = ticker.epochMillis();
        SharedBreakerView v = view;
        if (v == null || now - lastAnswerMillis > STALE_MILLIS) {
            return fallbackTicket(fallback.tryAcquire());
        }
        BreakerSnapshot s = v.snapshot();
        switch (s.state()) {
            case CLOSED:
                return closedFollowing();
            case OPEN:
                if (now < s.openUntilMillis()) {
                    return refused(s.openUntilMillis() - now);
                }
                return null;
            default:
                Long until = lease.get();
                if (until != null && now < until && lease.compareAndSet(until, null)) {
                    return new ProbeTicket(until);
                }
                return null;
        }
    }

    /** The state this node acts on: the cluster's, or its own breaker's when that one has tripped under a CLOSED cluster. */
    @Override
    public BreakerState state() {
        SharedBreakerView v = view;
        if (v == null || ticker.epochMillis() - lastAnswerMillis > STALE_MILLIS) {
            return fallback.state();
        }
        BreakerState cluster = v.snapshot().state();
        return cluster == BreakerState.CLOSED ? fallback.state() : cluster;
    }

    /** The cluster's view as last heard (null before the first answer). */
    SharedBreakerView view() {
        return view;
    }

    /** Whether the cluster answered recently enough for its decision to count. */
    boolean following() {
        return view != null && ticker.epochMillis() - lastAnswerMillis <= STALE_MILLIS;
    }

    Evidence evidence() {
        return window.evidence(ticker.epochMillis());
    }

    String upstream() {
        return upstream;
    }

    BreakerSpec spec() {
        return spec;
    }

    LocalBreaker fallback() {
        return fallback;
    }

    /**
     * Sends this node's evidence to the owner and adopts its answer; on the reporter's thread. Unchanged evidence
     * is sent at most once a second (every report is an event for every subscribed member).
     */
    void report() {
        boolean urgent = reportPending.getAndSet(false);
        long now = ticker.epochMillis();
        Evidence evidence = evidence();
        if (!urgent && evidence.equals(lastReported) && now - lastReportMillis < HEARTBEAT_MILLIS) {
            return;
        }
        try {
            SharedBreakerView held = view;
            adopt(board.report(upstream, spec, node, evidence, HeldView.of(held, now), now));
            lastReported = evidence;
            lastReportMillis = now;
        } catch (BreakerBoardUnavailableException e) {
            // stays on the last view until it goes stale; then the node's own breaker decides
        }
    }

    /**
     * A view of this breaker (a report's answer, a listener event): taken when it is not older than the one held,
     * or when the cluster has contradicted the held one for {@link #RESYNC_MILLIS} (see there).
     */
    void adopt(SharedBreakerView next) {
        long now = ticker.epochMillis();
        lastAnswerMillis = now;
        BreakerState from;
        synchronized (this) {
            SharedBreakerView current = view;
            if (current != null && next.snapshot().generation() < current.snapshot().generation()) {
                if (contradictedSinceMillis == 0) {
                    contradictedSinceMillis = now;
                }
                if (now - contradictedSinceMillis < RESYNC_MILLIS) {
                    return;
                }
            }
            contradictedSinceMillis = 0;
            view = next;
            from = current == null ? BreakerState.CLOSED : current.snapshot().state();
        }
        BreakerState to = next.snapshot().state();
        if (to != from) {
            if (to == BreakerState.CLOSED) {
                window.reset(); // a fresh start: failures from before the close must not trip it again
                if (fallback.state() != BreakerState.CLOSED) {
                    fallback.breaker().forceClose(); // the cluster's probes found the upstream well: this node too
                }
            }
            onTransition.accept(to);
        }
        if (to != BreakerState.HALF_OPEN) {
            lease.set(null);
        }
    }

    private void record(boolean failure, long durationNanos) {
        long now = ticker.epochMillis();
        window.record(policy.countsAsFailure(failure, durationNanos), now);
        if (failure && policy.trips(window.evidence(now)) && reportPending.compareAndSet(false, true)) {
            submit(this::report); // a local trip: tell the owner now, not at the next interval
        }
    }

    /** Asks the owner for a probe lease unless a request is on its way already; either way, that request's end. */
    private CompletableFuture<Void> requestProbe() {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> pending = probeRequest.compareAndExchange(null, mine);
        if (pending != null) {
            return pending;
        }
        try {
            worker.execute(() -> {
                try {
                    ProbeAnswer answer = board.tryProbe(upstream, spec, node, ticker.epochMillis());
                    adopt(answer.view());
                    if (answer.granted()) {
                        lease.set(answer.view().snapshot().openUntilMillis());
                    }
                } catch (BreakerBoardUnavailableException e) {
                    // the next request asks again
                } finally {
                    probeRequest.set(null);
                    mine.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            probeRequest.set(null); // shutting down
            mine.complete(null);
        }
        return mine;
    }

    /** The one call of this node that may go while half-open, under the owner's lease until {@code leaseUntilMillis}. */
    private final class ProbeTicket extends AllowedTicket {
        private final long leaseUntilMillis;

        ProbeTicket(long leaseUntilMillis) {
            this.leaseUntilMillis = leaseUntilMillis;
        }

        @Override
        public void complete(boolean failure, long durationNanos) {
            boolean failed = policy.countsAsFailure(failure, durationNanos);
            long now = ticker.epochMillis();
            window.record(failed, now);
            if (now >= leaseUntilMillis) {
                return; // the lease ran out: the owner has let another node probe; this answer is too late
            }
            submit(() -> {
                try {
                    adopt(board.probeResult(upstream, spec, node, !failed, ticker.epochMillis()));
                } catch (BreakerBoardUnavailableException e) {
                    // the lease expires on the owner; another probe follows
                }
            });
        }
    }

    /** The cluster says CLOSED: the call goes unless the node's own breaker has tripped; both see its outcome. */
    private Ticket closedFollowing() {
        Ticket local = fallback.tryAcquire();
        if (!local.allowed()) {
            return local;
        }
        Wrapped last = lastFollowing;
        if (last != null && last.local == local) {
            return last.ticket;
        }
        Wrapped fresh = new Wrapped(local, fallbackTicket(local));
        lastFollowing = fresh;
        return fresh.ticket;
    }

    private record Wrapped(Ticket local, Ticket ticket) {
    }

    private Ticket fallbackTicket(Ticket local) {
        if (!local.allowed()) {
            return local;
        }
        return new AllowedTicket() {
            @Override
            public void complete(boolean failure, long durationNanos) {
                local.complete(failure, durationNanos);
                record(failure, durationNanos);
            }
        };
    }

    /** A ticket that lets its call go; what its outcome does is the subclass's. */
    private abstract static class AllowedTicket implements Ticket {
        @Override
        public boolean allowed() {
            return true;
        }

        @Override
        public long retryAfterMillis() {
            return 0;
        }
    }

    private static Ticket refused(long retryAfterMillis) {
        return new Ticket() {
            @Override
            public boolean allowed() {
                return false;
            }

            @Override
            public long retryAfterMillis() {
                return retryAfterMillis;
            }

            @Override
            public void complete(boolean failure, long durationNanos) {
                throw new IllegalStateException("a refused call has no outcome");
            }
        };
    }

    private void submit(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }
}
