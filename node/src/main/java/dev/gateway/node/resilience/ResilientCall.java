package dev.gateway.node.resilience;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.observability.tracing.RequestTrace;
import dev.gateway.node.observability.tracing.TraceSpan;
import dev.gateway.node.upstream.UpstreamTarget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One request's calls to its upstream, with the upstream's breaker, retries and hedging:
 * <ul>
 *   <li>Each call asks the breaker first; an open breaker refuses the request with 503 and {@code Retry-After}
 *       (or, for a retry, ends the retrying with the last answer).</li>
 *   <li>A failed call is retried when its kind is in {@code retries.on}, the method in {@code retries.methods},
 *       the body can be sent again (empty, or never read because the connection failed), the budget allows,
 *       attempts are left, and the backoff still ends before the request's deadline; on another target when
 *       there is one.</li>
 *   <li>With hedging, an idempotent request with an empty body that has no answer after {@code after} gets an
 *       extra call to another target (up to {@code max-extra}, each from the budget); the first usable answer
 *       wins and the others are cancelled (their connections closed, their answers discarded).</li>
 * </ul>
 * Thread-safe: the calls' completions race, one lock orders them.
 */
public final class ResilientCall {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    /** Sends one call to one target with the given body. */
    public interface Sender {
        CompletableFuture<GatewayResponse> send(UpstreamTarget target, Body body);

        /**
         * Like {@link #send(UpstreamTarget, Body)}, told which call this is: {@code attempt} counts from 1 over
         * every call of the request, {@code kind} is {@code first}, {@code retry} or {@code hedge}.
         */
        default CompletableFuture<GatewayResponse> send(UpstreamTarget target, Body body, int attempt, String kind) {
            return send(target, body);
        }
    }

    private final UpstreamResilience r;
    private final String method;
    private final Body original;
    private final Body body;
    private final OnceBody once;
    private final long deadlineNanos;
    private final Function<Set<UpstreamTarget>, UpstreamTarget> picker;
    private final Sender sender;
    private final LongSupplier nanoTime;
    private final RequestTrace trace;
    private final CompletableFuture<GatewayResponse> result = new CompletableFuture<>();
    private final Set<UpstreamTarget> tried = new HashSet<>();
    private final List<CompletableFuture<GatewayResponse>> inFlight = new ArrayList<>();
    private int retries;
    private int attempts;
    private int hedges;
    private Outcome lastFailure;
    private boolean done;

    private ResilientCall(UpstreamResilience resilience, String method, Body body, long deadlineNanos,
                          Function<Set<UpstreamTarget>, UpstreamTarget> picker, Sender sender, LongSupplier nanoTime,
                          RequestTrace trace) {
        this.trace = trace;
        this.r = resilience;
        this.method = method;
        this.original = body;
        this.once = body.isEmpty() ? null : new OnceBody(body);
        this.body = body.isEmpty() ? Body.empty() : once;
        this.deadlineNanos = deadlineNanos;
        this.picker = picker;
        this.sender = sender;
        this.nanoTime = nanoTime;
    }

    /**
     * Runs the request's calls; the future completes with the answer to relay (or fails with the
     * {@link GatewayException} to answer with).
     *
     * @param picker the target for the next call, avoiding the given ones where it can; null when none is healthy
     */
    public static CompletableFuture<GatewayResponse> run(UpstreamResilience resilience, String method, Body body,
                                                         long deadlineNanos,
                                                         Function<Set<UpstreamTarget>, UpstreamTarget> picker,
                                                         Sender sender) {
        return run(resilience, method, body, deadlineNanos, picker, sender, RequestTrace.NONE);
    }

    /** {@link #run(UpstreamResilience, String, Body, long, Function, Sender)}, each breaker decision a span of {@code trace}. */
    public static CompletableFuture<GatewayResponse> run(UpstreamResilience resilience, String method, Body body,
                                                         long deadlineNanos,
                                                         Function<Set<UpstreamTarget>, UpstreamTarget> picker,
                                                         Sender sender, RequestTrace trace) {
        ResilientCall call = new ResilientCall(resilience, method, body, deadlineNanos, picker, sender, System::nanoTime,
                trace);
        if (call.r.budget != null) {
            call.r.budget.onRequest();
        }
        synchronized (call) {
            call.attempt(true, "first");
        }
        return call.result;
    }

    /** Starts one call; under the lock. */
    private void attempt(boolean first, String kind) {
        UpstreamTarget target = picker.apply(tried);
        if (target == null) {
            finishFailure(lastFailure != null ? lastFailure
                    : Outcome.of(null, new GatewayException(503, "no healthy target in upstream " + r.upstream)));
            return;
        }
        if (r.breaker == null) {
            send(target, null, first, kind);
            return;
        }
        TraceSpan decision = trace.child("circuit breaker").set("gateway.upstream", r.upstream);
        if (!inFlight.isEmpty()) {
            // a hedge: never waits beside a call already out
            send(target, decided(decision, r.breaker.tryAcquire()), first, kind);
            return;
        }
        // the first call or a retry: nothing else is out, so it may wait (briefly) to become the probe
        CompletableFuture<Breaker.Ticket> permit = r.breaker.acquire().toCompletableFuture();
        if (permit.isDone()) {
            send(target, decided(decision, permit.join()), first, kind);
            return;
        }
        permit.whenComplete((ticket, failure) -> {
            synchronized (this) {
                send(target, decided(decision, ticket), first, kind);
            }
        });
    }

    private static Breaker.Ticket decided(TraceSpan span, Breaker.Ticket permit) {
        if (permit == null) {
            span.end("breaker unavailable");
            return null;
        }
        span.set("gateway.breaker.decision", permit.allowed() ? "allowed" : "refused").end();
        return permit;
    }

    /** Sends to {@code target} if {@code permit} allows (null: no breaker); under the lock. */
    private void send(UpstreamTarget target, Breaker.Ticket permit, boolean first, String kind) {
        if (permit != null && !permit.allowed()) {
            r.events.shortCircuited(r.upstream);
            if (lastFailure != null) {
                finishFailure(lastFailure);
            } else if (inFlight.isEmpty()) {
                finishFailure(Outcome.of(null, open(permit)));
            }
            return;
        }
        tried.add(target);
        long start = nanoTime.getAsLong();
        CompletableFuture<GatewayResponse> call;
        try {
            call = sender.send(target, first || once == null ? body : once, ++attempts, kind);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        inFlight.add(call);
        CompletableFuture<GatewayResponse> mine = call;
        call.whenComplete((response, failure) -> onOutcome(mine, permit, start, Outcome.of(response, failure)));
        if (first && r.maxHedges > 0 && hedgeable()) {
            scheduleHedge();
        }
    }

    private boolean hedgeable() {
        return once == null && IDEMPOTENT.contains(method);
    }

    private void scheduleHedge() {
        long delay = r.hedgeAfterNanos;
        if (nanoTime.getAsLong() + delay >= deadlineNanos) {
            return;
        }
        try {
            r.timer.schedule(this::hedge, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: no hedge
        }
    }

    private synchronized void hedge() {
        if (done || hedges >= r.maxHedges) {
            return;
        }
        if (!r.budget.tryRetry()) {
            r.events.budgetExhausted(r.upstream);
            return;
        }
        hedges++;
        r.events.hedged(r.upstream);
        attempt(false, "hedge");
        if (hedges < r.maxHedges) {
            scheduleHedge();
        }
    }

    private void onOutcome(CompletableFuture<GatewayResponse> call, Breaker.Ticket permit, long start, Outcome outcome) {
        if (permit != null && !(outcome.failure() instanceof java.util.concurrent.CancellationException)) {
            permit.complete(r.breakerFailures.breakerFailure(outcome), nanoTime.getAsLong() - start);
        }
        synchronized (this) {
            inFlight.remove(call);
            if (done) {
                outcome.discard();
                return;
            }
            boolean failed = outcome.failed();
            if (!failed || !retryable(outcome)) {
                if (failed && !inFlight.isEmpty()) {
                    // a hedge is still out: its answer may be better
                    keepAsLast(outcome);
                    return;
                }
                finish(outcome);
                return;
            }
            keepAsLast(outcome);
            if (!inFlight.isEmpty()) {
                return; // a hedge is still out; its answer decides
            }
            if (!canRetry(outcome)) {
                finishFailure(lastFailure);
                return;
            }
            retries++;
            r.events.retried(r.upstream);
            long delay = r.retry.backoff().delayNanos(retries);
            if (delay <= 0) {
                attempt(false, "retry");
                return;
            }
            try {
                r.timer.schedule(this::retryNow, delay, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                finishFailure(lastFailure);
            }
        }
    }

    private synchronized void retryNow() {
        if (!done) {
            attempt(false, "retry");
        }
    }

    private boolean retryable(Outcome outcome) {
        return r.retry != null && r.retry.retries(outcome) && r.retry.methods().contains(method);
    }

    /** Under the lock, after a retryable failure with nothing else in flight. */
    private boolean canRetry(Outcome outcome) {
        if (retries >= r.retry.attempts()) {
            return false;
        }
        // a body is sent once; it may go again only if it was never read (the connection failed first)
        if (once != null && (outcome.kind() != Outcome.Kind.CONNECT_FAILURE || once.subscribed())) {
            return false;
        }
        long delay = r.retry.backoff().delayNanos(retries + 1);
        if (nanoTime.getAsLong() + delay >= deadlineNanos) {
            return false;
        }
        if (!r.budget.tryRetry()) {
            r.events.budgetExhausted(r.upstream);
            return false;
        }
        return true;
    }

    private void keepAsLast(Outcome outcome) {
        if (lastFailure != null && lastFailure != outcome) {
            lastFailure.discard();
        }
        lastFailure = outcome;
    }

    private void finish(Outcome outcome) {
        done = true;
        if (lastFailure != null && lastFailure != outcome) {
            lastFailure.discard();
        }
        for (CompletableFuture<GatewayResponse> other : List.copyOf(inFlight)) {
            other.cancel(false);
        }
        if (once == null) {
            original.discard(); // empty: every call sent a body of its own
        } else if (!once.subscribed()) {
            once.discard();
        }
        if (outcome.failure() != null) {
            result.completeExceptionally(outcome.failure());
        } else {
            result.complete(outcome.response());
        }
    }

    private void finishFailure(Outcome outcome) {
        finish(outcome);
    }

    private GatewayException open(Breaker.Ticket permit) {
        Headers headers = new Headers(1);
        long seconds = Math.max(1, (permit.retryAfterMillis() + 999) / 1000);
        headers.add("Retry-After", Long.toString(seconds));
        return new GatewayException(503, "circuit breaker open for upstream " + r.upstream, headers, null);
    }

    /** The request body, which records whether a call started reading it. */
    private static final class OnceBody implements Body {
        private final Body body;
        private volatile boolean subscribed;

        OnceBody(Body body) {
            this.body = body;
        }

        boolean subscribed() {
            return subscribed;
        }

        @Override
        public long length() {
            return body.length();
        }

        @Override
        public void subscribe(BodySink sink) {
            subscribed = true;
            body.subscribe(sink);
        }

        @Override
        public void resume() {
            body.resume();
        }

        @Override
        public void discard() {
            body.discard();
        }
    }
}
