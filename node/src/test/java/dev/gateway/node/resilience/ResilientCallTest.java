package dev.gateway.node.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gateway.limiter.ManualTicker;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.BreakerState;
import dev.gateway.limiter.breaker.CircuitBreaker;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.upstream.UpstreamConnectException;
import dev.gateway.node.upstream.UpstreamTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries, hedging and the breaker around a request's calls, against a scripted sender. */
class ResilientCallTest {
    private static final UpstreamTarget A = new UpstreamTarget("up", "a", 1, false, "", "a", 1, "a:1");
    private static final UpstreamTarget B = new UpstreamTarget("up", "b", 1, false, "", "b", 1, "b:1");

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<UpstreamTarget> sent = Collections.synchronizedList(new ArrayList<>());
    private final RecordingEvents events = new RecordingEvents();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    static final class RecordingEvents implements ResilienceEvents {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void retried(String upstream) {
            seen.add("retried");
        }

        @Override
        public void hedged(String upstream) {
            seen.add("hedged");
        }

        @Override
        public void budgetExhausted(String upstream) {
            seen.add("budget");
        }

        @Override
        public void shortCircuited(String upstream) {
            seen.add("short");
        }
    }

    private UpstreamResilience resilience(int attempts, Set<Integer> statuses, double budget, long hedgeAfterMillis,
                                          Breaker breaker) {
        RetryPolicy retry = attempts == 0 ? null : new RetryPolicy(attempts, new FailureKinds(true, true, statuses),
                Set.of("GET", "PUT", "DELETE", "HEAD", "OPTIONS"), new Backoff(1_000_000, 5_000_000, false, () -> 0.5));
        return new UpstreamResilience("up", retry, TimeUnit.MILLISECONDS.toNanos(hedgeAfterMillis),
                hedgeAfterMillis > 0 ? 1 : 0, new RetryBudget(budget, System::nanoTime), breaker, timer, events);
    }

    private static Function<Set<UpstreamTarget>, UpstreamTarget> twoTargets() {
        return avoid -> avoid.contains(A) ? B : A;
    }

    private static GatewayResponse answer(int status) {
        return new GatewayResponse(status, new Headers(0), Body.of("s" + status));
    }

    private GatewayResponse await(CompletableFuture<GatewayResponse> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRetryableStatusIsRetriedOnTheOtherTarget() throws Exception {
        GatewayResponse response = await(ResilientCall.run(resilience(2, Set.of(503), 1.0, 0, null), "GET", Body.empty(),
                Long.MAX_VALUE, twoTargets(), (t, body) -> {
                    sent.add(t);
                    return CompletableFuture.completedFuture(answer(t == A ? 503 : 200));
                }));
        assertThat(response.status()).isEqualTo(200);
        assertThat(sent).containsExactly(A, B);
        assertThat(events.seen).containsExactly("retried");
    }

    @Test
    void attemptsAreBoundedAndTheLastAnswerIsRelayed() throws Exception {
        UpstreamResilience r = resilience(2, Set.of(503), 1.0, 0, null);
        for (int i = 0; i < 10; i++) {
            r.budget.onRequest(); // budget for more than one retry
        }
        GatewayResponse response = await(ResilientCall.run(r, "GET", Body.empty(),
                Long.MAX_VALUE, twoTargets(), (t, body) -> {
                    sent.add(t);
                    return CompletableFuture.completedFuture(answer(503));
                }));
        assertThat(response.status()).isEqualTo(503);
        assertThat(sent).hasSize(3);
    }

    @Test
    void aPostIsNotRetriedAndNeitherIsAStatusNotListed() throws Exception {
        GatewayResponse post = await(ResilientCall.run(resilience(2, Set.of(503), 1.0, 0, null), "POST", Body.empty(),
                Long.MAX_VALUE, twoTargets(), (t, body) -> {
                    sent.add(t);
                    return CompletableFuture.completedFuture(answer(503));
                }));
        assertThat(post.status()).isEqualTo(503);
        GatewayResponse unlisted = await(ResilientCall.run(resilience(2, Set.of(503), 1.0, 0, null), "GET", Body.empty(),
                Long.MAX_VALUE, twoTargets(), (t, body) -> {
                    sent.add(t);
                    return CompletableFuture.completedFuture(answer(500));
                }));
        assertThat(unlisted.status()).isEqualTo(500);
        assertThat(sent).hasSize(2);
    }

    @Test
    void aBodyThatWasReadIsNeverSentAgainButAConnectFailureBeforeReadingIsRetried() throws Exception {
        Body body = Body.of("payload");
        Throwable failure = catchThrowable(() -> await(ResilientCall.run(resilience(2, Set.of(503), 1.0, 0, null), "PUT",
                body, Long.MAX_VALUE, twoTargets(), (t, b) -> {
                    sent.add(t);
                    b.subscribe(new dev.gateway.node.http.BodySink() {
                        @Override
                        public boolean onData(java.nio.ByteBuffer chunk, boolean last) {
                            return true;
                        }

                        @Override
                        public void onError(Throwable error) {
                        }
                    });
                    return CompletableFuture.failedFuture(new GatewayException(504, "upstream response timeout"));
                })));
        assertThat(failure).isInstanceOf(java.util.concurrent.ExecutionException.class);
        assertThat(sent).hasSize(1);

        sent.clear();
        GatewayResponse retried = await(ResilientCall.run(resilience(2, Set.of(503), 1.0, 0, null), "PUT",
                Body.of("payload"), Long.MAX_VALUE, twoTargets(), (t, b) -> {
                    sent.add(t);
                    return t == A ? CompletableFuture.failedFuture(new UpstreamConnectException(502, "refused", null))
                            : CompletableFuture.completedFuture(answer(201));
                }));
        assertThat(retried.status()).isEqualTo(201);
        assertThat(sent).containsExactly(A, B);
    }

    @Test
    void theBudgetCapsRetries() throws Exception {
        UpstreamResilience r = resilience(3, Set.of(503), 0.2, 0, null);
        for (int i = 0; i < 50; i++) {
            await(ResilientCall.run(r, "GET", Body.empty(), Long.MAX_VALUE, twoTargets(), (t, body) -> {
                sent.add(t);
                return CompletableFuture.completedFuture(answer(503));
            }));
        }
        // 50 first attempts; retries at most 20% of them (the budget's second has not passed in this loop)
        assertThat(sent.size()).isLessThanOrEqualTo(50 + 10);
        assertThat(events.seen).contains("budget");
    }

    @Test
    void noRetryWouldEndAfterTheDeadline() throws Exception {
        GatewayResponse response = await(ResilientCall.run(resilience(2, Set.of(503), 1.0, 0, null), "GET", Body.empty(),
                System.nanoTime(), twoTargets(), (t, body) -> {
                    sent.add(t);
                    return CompletableFuture.completedFuture(answer(503));
                }));
        assertThat(response.status()).isEqualTo(503);
        assertThat(sent).hasSize(1);
    }

    @Test
    void aSlowFirstCallIsHedgedAndTheFirstAnswerWinsTheOtherIsCancelled() throws Exception {
        CompletableFuture<GatewayResponse> slow = new CompletableFuture<>();
        GatewayResponse response = await(ResilientCall.run(resilience(0, Set.of(), 1.0, 20, null), "GET", Body.empty(),
                Long.MAX_VALUE, twoTargets(), (t, body) -> {
                    sent.add(t);
                    return t == A ? slow : CompletableFuture.completedFuture(answer(200));
                }));
        assertThat(response.status()).isEqualTo(200);
        assertThat(sent).containsExactly(A, B);
        assertThat(slow).isCancelled();
        assertThat(events.seen).containsExactly("hedged");
    }

    /** Each call learns its number and why it was made: what the upstream attempt's client span says. */
    @Test
    void eachCallIsToldItsAttemptNumberAndKind() throws Exception {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<GatewayResponse> slow = new CompletableFuture<>();
        ResilientCall.Sender sender = new ResilientCall.Sender() {
            @Override
            public CompletableFuture<GatewayResponse> send(UpstreamTarget target, Body body) {
                throw new AssertionError("the attempt-aware send is called");
            }

            @Override
            public CompletableFuture<GatewayResponse> send(UpstreamTarget target, Body body, int attempt, String kind) {
                calls.add(attempt + " " + kind + " " + target.host());
                if (calls.size() == 1) {
                    return CompletableFuture.completedFuture(answer(503)); // retried on B
                }
                return calls.size() == 2 ? slow : CompletableFuture.completedFuture(answer(200)); // the retry is slow: hedged
            }
        };
        UpstreamResilience r = resilience(1, Set.of(503), 1.0, 20, null);
        for (int i = 0; i < 10; i++) {
            r.budget.onRequest();
        }
        GatewayResponse response = await(ResilientCall.run(r, "GET", Body.empty(), Long.MAX_VALUE, twoTargets(), sender));
        assertThat(response.status()).isEqualTo(200);
        assertThat(calls).containsExactly("1 first a", "2 retry b", "3 hedge b");
    }

    @Test
    void aPostIsNeverHedged() throws Exception {
        CompletableFuture<GatewayResponse> slow = new CompletableFuture<>();
        CompletableFuture<GatewayResponse> result = ResilientCall.run(resilience(0, Set.of(), 1.0, 5, null), "POST",
                Body.empty(), Long.MAX_VALUE, twoTargets(), (t, body) -> {
                    sent.add(t);
                    return slow;
                });
        timer.schedule(() -> slow.complete(answer(200)), 100, TimeUnit.MILLISECONDS);
        assertThat(await(result).status()).isEqualTo(200);
        assertThat(sent).containsExactly(A);
    }

    @Test
    void anOpenBreakerRefusesWith503AndRetryAfter() {
        ManualTicker ticker = new ManualTicker();
        CircuitBreaker cb = new CircuitBreaker(new BreakerSpec(50, 2, Duration.ofSeconds(10), Duration.ofSeconds(30), 1),
                ticker, (from, to, at) -> { });
        LocalBreaker breaker = new LocalBreaker(cb);
        for (int i = 0; i < 2; i++) {
            Breaker.Ticket ticket = breaker.tryAcquire();
            ticket.complete(true, 1);
        }
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        Throwable refused = catchThrowable(() -> await(ResilientCall.run(resilience(0, Set.of(), 1.0, 0, breaker), "GET",
                Body.empty(), Long.MAX_VALUE, twoTargets(), (t, body) -> {
                    sent.add(t);
                    return CompletableFuture.completedFuture(answer(200));
                })));
        GatewayException e = (GatewayException) (refused.getCause() instanceof CompletionException c ? c.getCause()
                : refused.getCause());
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.headers().get("Retry-After")).isEqualTo("30");
        assertThat(sent).isEmpty();
        assertThat(events.seen).containsExactly("short");
    }

    @Test
    void failuresReachTheBreaker() throws Exception {
        ManualTicker ticker = new ManualTicker();
        LocalBreaker breaker = new LocalBreaker(new CircuitBreaker(
                new BreakerSpec(50, 4, Duration.ofSeconds(10), Duration.ofSeconds(30), 1), ticker, (f, t, at) -> { }));
        for (int i = 0; i < 4; i++) {
            await(ResilientCall.run(resilience(0, Set.of(), 1.0, 0, breaker), "GET", Body.empty(), Long.MAX_VALUE,
                    twoTargets(), (t, body) -> CompletableFuture.completedFuture(answer(502))));
        }
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void aStatusCountsForTheBreakerOnlyWhenItsOnListNamesIt() throws Exception {
        assertThat(breakerAfterFour(500, dev.gateway.config.CircuitBreakerConfig.DEFAULT_ON))
                .as("500 is not listed by default").isEqualTo(BreakerState.CLOSED);
        assertThat(breakerAfterFour(500, java.util.List.of("connect-failure", "timeout", "500", "502", "503", "504")))
                .isEqualTo(BreakerState.OPEN);
        assertThat(breakerAfterFour(503, java.util.List.of("connect-failure")))
                .as("a 503 not listed").isEqualTo(BreakerState.CLOSED);
    }

    /**
     * A connect timeout is a {@code connect-failure} (never a {@code timeout}), and each attempt of a retried call
     * is its own evidence, reported when that attempt fails: the breaker hears of the first attempt's connect
     * timeout while the retry is still out, not when the whole call ends.
     */
    @Test
    void eachAttemptsConnectTimeoutReachesTheBreakerWhenThatAttemptFails() throws Exception {
        RecordingBreaker breaker = new RecordingBreaker();
        RetryPolicy retry = new RetryPolicy(2, FailureKinds.of(java.util.List.of("connect-failure")), Set.of("GET"),
                new Backoff(1_000_000, 1_000_000, false, () -> 0.5));
        UpstreamResilience r = new UpstreamResilience("up", retry, 0, 0, new RetryBudget(1.0, System::nanoTime),
                breaker, FailureKinds.of(java.util.List.of("connect-failure")), timer, events);
        for (int i = 0; i < 10; i++) {
            r.budget.onRequest(); // budget for two retries
        }
        List<CompletableFuture<GatewayResponse>> attempts = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<GatewayResponse> call = ResilientCall.run(r, "GET", Body.empty(), Long.MAX_VALUE,
                twoTargets(), (t, body) -> {
                    CompletableFuture<GatewayResponse> attempt = new CompletableFuture<>();
                    attempts.add(attempt);
                    return attempt;
                });

        attempts.get(0).completeExceptionally(new UpstreamConnectException(504, "connect timeout 1s", null));
        assertThat(breaker.outcomes).as("the first attempt's evidence, at once").containsExactly(true);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> attempts.size() == 2);
        assertThat(call).as("the retry is still out").isNotDone();

        attempts.get(1).completeExceptionally(new UpstreamConnectException(504, "connect timeout 1s", null));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> attempts.size() == 3);
        assertThat(breaker.outcomes).containsExactly(true, true);

        attempts.get(2).complete(answer(200));
        assertThat(await(call).status()).isEqualTo(200);
        assertThat(breaker.outcomes).as("one piece of evidence per attempt").containsExactly(true, true, false);

        assertThat(FailureKinds.of(java.util.List.of("timeout")).breakerFailure(Outcome.of(null,
                new UpstreamConnectException(504, "connect timeout 1s", null))))
                .as("a connect timeout is not what 'timeout' names").isFalse();
    }

    /** A breaker that always allows and records each ticket's outcome as it is reported. */
    private static final class RecordingBreaker implements Breaker {
        final List<Boolean> outcomes = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Ticket tryAcquire() {
            return new Ticket() {
                @Override
                public boolean allowed() {
                    return true;
                }

                @Override
                public long retryAfterMillis() {
                    return 0;
                }

                @Override
                public void complete(boolean failure, long durationNanos) {
                    outcomes.add(failure);
                }
            };
        }

        @Override
        public BreakerState state() {
            return BreakerState.CLOSED;
        }
    }

    private BreakerState breakerAfterFour(int status, java.util.List<String> on) throws Exception {
        LocalBreaker breaker = new LocalBreaker(new CircuitBreaker(
                new BreakerSpec(50, 4, Duration.ofSeconds(10), Duration.ofSeconds(30), 1), new ManualTicker(),
                (f, t, at) -> { }));
        UpstreamResilience resilience = new UpstreamResilience("up", null, 0, 0, new RetryBudget(1.0, System::nanoTime),
                breaker, FailureKinds.of(on), timer, events);
        for (int i = 0; i < 4; i++) {
            await(ResilientCall.run(resilience, "GET", Body.empty(), Long.MAX_VALUE,
                    twoTargets(), (t, body) -> CompletableFuture.completedFuture(answer(status))));
        }
        return breaker.state();
    }
}
