package dev.gateway.cluster.breakers;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.gateway.cluster.member.MemberClock;
import dev.gateway.limiter.Ticker;
import dev.gateway.limiter.breaker.BreakerBoard;
import dev.gateway.limiter.breaker.BreakerBoardUnavailableException;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.BreakerViews;
import dev.gateway.limiter.breaker.Evidence;
import dev.gateway.limiter.breaker.HeldView;
import dev.gateway.limiter.breaker.ProbeAnswer;
import dev.gateway.limiter.breaker.SharedBreakerView;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster's {@link BreakerBoard} and {@link BreakerViews}: one entry of {@value BreakerMaps#BREAKERS_MAP} per
 * upstream, changed only by entry processors that run {@link dev.gateway.limiter.breaker.SharedBreakerPolicy}
 * on the entry's owner at the owner's {@link MemberClock} (the {@code nowMillis} of the calls is not sent), one
 * synchronous backup holding exactly the owner's state.
 *
 * <p>Clocks: the views this board hands out carry their instants (since, open-until, probe-lease deadline,
 * report times) on the {@code local} clock given to it, the clock the node compares them with. A call's answer
 * is moved by the local clock at its receipt minus the owner's time of the decision, which comes back with it
 * (off by the one-way latency); views of {@link #all()} and of events, by the local clock minus this member's
 * {@link MemberClock}, which is Hazelcast's cluster time, the owner's too. So a node whose wall clock is 30 s
 * off still waits out the owner's open period and its probe lease to the millisecond it was meant.
 *
 * <p>Timeouts and failures: every call waits at most {@code timeout}; a call that does not answer in time or
 * fails (no quorum, member shutting down, no owner during a migration) throws
 * {@link BreakerBoardUnavailableException} with the cause. A call that timed out may still be applied by the
 * owner later. The calls block the calling thread: call them from the node's reporting thread, never from a
 * request or selector thread.
 *
 * <p>Views: {@link #all()} reads every entry on a reader thread of its own (Hazelcast has no asynchronous
 * read of a whole map), bounded by {@code timeout}. {@link #subscribe} listens to the map's added, updated and
 * merged events and calls its listeners on one delivery thread of this board, never on Hazelcast's event
 * threads; for each upstream they get the views in order, latest wins when the thread falls behind (so a slow
 * listener skips intermediate views rather than queueing them). Events are lost when a member dies or this
 * member rejoins: a node also applies the views its own reports return. The first subscription registers one
 * Hazelcast entry listener (a cluster-wide registration, blocking until every member has it); {@link #close()}
 * removes it and stops both threads. Close the board before the member. Requires {@link BreakerMaps#register}.
 * Thread-safe.
 */
public final class HazelcastBreakerBoard implements BreakerBoard, BreakerViews, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HazelcastBreakerBoard.class.getName());

    /** Reads of {@link #all()} waiting behind a stuck one before further ones are refused. */
    private static final int QUEUED_READS = 4;

    private final IMap<String, StoredBreakerState> map;
    private final HazelcastInstance member;
    private final Ticker local;
    private final Duration timeout;
    private final ExecutorService delivery;
    private final ThreadPoolExecutor reader;
    private final CopyOnWriteArrayList<BiConsumer<String, SharedBreakerView>> listeners = new CopyOnWriteArrayList<>();
    /** Views received and not yet delivered, latest per upstream. */
    private final Map<String, SharedBreakerView> pending = new ConcurrentHashMap<>();
    private final Object registration = new Object();
    /** Guarded by {@link #registration}. */
    private UUID listenerId;
    /** Guarded by {@link #registration}. */
    private boolean closed;

    /**
     * @param local   the node's clock, which its views' instants are on (the clock its breakers compare with)
     * @param timeout longest any call waits for the cluster
     */
    public HazelcastBreakerBoard(HazelcastInstance hazelcast, Ticker local, Duration timeout) {
        this.member = Objects.requireNonNull(hazelcast, "hazelcast");
        this.local = Objects.requireNonNull(local, "local");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        this.map = hazelcast.getMap(BreakerMaps.BREAKERS_MAP);
        this.delivery = Executors.newSingleThreadExecutor(daemon("gateway-breaker-views"));
        this.reader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUED_READS), daemon("gateway-breaker-reader"));
    }

    @Override
    public SharedBreakerView report(String upstream, BreakerSpec spec, String node, Evidence evidence,
                                    HeldView held, long nowMillis) {
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(held, "held");
        return onLocalClock(call(upstream, "report", new ReportProcessor(checked(spec, node), node, evidence, held)));
    }

    @Override
    public ProbeAnswer tryProbe(String upstream, BreakerSpec spec, String node, long nowMillis) {
        BreakerReply reply = call(upstream, "probe request", new ProbeRequestProcessor(checked(spec, node), node));
        return new ProbeAnswer(reply.granted(), onLocalClock(reply));
    }

    @Override
    public SharedBreakerView probeResult(String upstream, BreakerSpec spec, String node, boolean success,
            long nowMillis) {
        return onLocalClock(call(upstream, "probe result",
                new ProbeResultProcessor(checked(spec, node), node, success)));
    }

    /** A call's view, its instants moved from the owner's clock at the decision to the local clock now. */
    private SharedBreakerView onLocalClock(BreakerReply reply) {
        return ViewClock.shift(reply.state().view(), local.epochMillis() - reply.ownerMillis());
    }

    /** A stored state's view, its instants moved from the member clock (the cluster's) to the local clock. */
    private SharedBreakerView onLocalClock(StoredBreakerState stored) {
        return ViewClock.shift(stored.state().view(), local.epochMillis() - MemberClock.epochMillis(member));
    }

    @Override
    public Map<String, SharedBreakerView> all() {
        Future<Map<String, SharedBreakerView>> read;
        try {
            read = reader.submit(this::readAll);
        } catch (RejectedExecutionException e) {
            throw new BreakerBoardUnavailableException("breaker store: earlier reads still wait for the cluster", e);
        }
        try {
            return read.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            read.cancel(true);
            Thread.currentThread().interrupt();
            throw new BreakerBoardUnavailableException("breaker store: read interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            read.cancel(true);
            throw unavailable("read", "(all)", e);
        }
    }

    @Override
    public AutoCloseable subscribe(BiConsumer<String, SharedBreakerView> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (registration) {
            if (closed) {
                throw new IllegalStateException("breaker board: closed");
            }
            if (listenerId == null) {
                try {
                    listenerId = map.addEntryListener(new Events(), true);
                } catch (RuntimeException e) {
                    throw new BreakerBoardUnavailableException("breaker store: cannot listen: " + e.getMessage(), e);
                }
            }
            listeners.add(listener);
        }
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
        synchronized (registration) {
            closed = true;
            if (listenerId != null) {
                try {
                    map.removeEntryListener(listenerId);
                } catch (RuntimeException e) {
                    // the member is already gone, and its listeners with it
                }
                listenerId = null;
            }
        }
        listeners.clear();
        delivery.shutdownNow();
        reader.shutdownNow();
    }

    private Map<String, SharedBreakerView> readAll() {
        Map<String, SharedBreakerView> all = new TreeMap<>();
        for (Map.Entry<String, StoredBreakerState> e : map.entrySet()) {
            all.put(e.getKey(), onLocalClock(e.getValue()));
        }
        return all;
    }

    private BreakerReply call(String upstream, String what, BreakerProcessor processor) {
        Objects.requireNonNull(upstream, "upstream");
        CompletionStage<BreakerReply> stage;
        try {
            stage = map.submitToKey(upstream, processor);
        } catch (RuntimeException e) {
            throw unavailable(what, upstream, e);
        }
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BreakerBoardUnavailableException("breaker store: " + what + " interrupted (upstream '"
                    + upstream + "')", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw unavailable(what, upstream, e);
        }
    }

    private BreakerBoardUnavailableException unavailable(String what, String upstream, Exception failure) {
        Throwable cause = failure instanceof ExecutionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String message = cause instanceof TimeoutException
                ? "breaker store: " + what + " not answered within " + timeout.toMillis() + " ms (upstream '"
                        + upstream + "')"
                : "breaker store: " + what + " failed (upstream '" + upstream + "'): " + cause;
        return new BreakerBoardUnavailableException(message, cause);
    }

    private static BreakerSpec checked(BreakerSpec spec, String node) {
        Objects.requireNonNull(node, "node");
        return Objects.requireNonNull(spec, "spec");
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Hands the latest view of {@code upstream} to every listener, on the delivery thread. */
    private void deliver(String upstream) {
        SharedBreakerView view = pending.remove(upstream);
        if (view == null) {
            return;
        }
        for (BiConsumer<String, SharedBreakerView> listener : listeners) {
            try {
                listener.accept(upstream, view);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "breaker view listener failed for upstream '" + upstream + "'", e);
            }
        }
    }

    /** On Hazelcast's event threads: queues the view for the delivery thread and returns at once. */
    private final class Events implements EntryAddedListener<String, StoredBreakerState>,
            EntryUpdatedListener<String, StoredBreakerState>, EntryMergedListener<String, StoredBreakerState> {
        @Override
        public void entryAdded(EntryEvent<String, StoredBreakerState> event) {
            onEvent(event);
        }

        @Override
        public void entryUpdated(EntryEvent<String, StoredBreakerState> event) {
            onEvent(event);
        }

        @Override
        public void entryMerged(EntryEvent<String, StoredBreakerState> event) {
            onEvent(event);
        }

        private void onEvent(EntryEvent<String, StoredBreakerState> event) {
            StoredBreakerState value = event.getValue();
            if (value == null || listeners.isEmpty()) {
                return;
            }
            String upstream = event.getKey();
            if (pending.put(upstream, onLocalClock(value)) == null) {
                try {
                    delivery.execute(() -> deliver(upstream));
                } catch (RejectedExecutionException e) {
                    pending.remove(upstream);
                }
            }
        }
    }
}
