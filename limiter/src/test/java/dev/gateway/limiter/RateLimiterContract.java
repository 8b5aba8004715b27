package dev.gateway.limiter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.limiter.LimitSpec.Algorithm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link RateLimiter} promises, run against the in-memory one and against every real store (in
 * the spirit of bucket4j's {@code AbstractDistributedBucketTest}). Time is a {@link ManualTicker} starting on
 * a whole minute; nothing sleeps. Each test uses keys of its own, so a store may be shared between tests.
 */
public abstract class RateLimiterContract {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    protected final ManualTicker ticker = new ManualTicker();
    private final String namespace = UUID.randomUUID() + ":";
    private RateLimiter limiter;

    /** A limiter over a store of its own (or a shared store: keys never repeat across tests). */
    protected abstract RateLimiter newLimiter(ManualTicker ticker);

    /**
     * A second limiter over the same store as {@link #newLimiter}'s (another node's view of the cluster).
     * The in-memory store is the limiter itself, so the default returns the same limiter.
     */
    protected RateLimiter newLimiterOnSameStore(RateLimiter first, ManualTicker ticker) {
        return first;
    }

    protected final RateLimiter limiter() {
        if (limiter == null) {
            limiter = newLimiter(ticker);
        }
        return limiter;
    }

    protected final String key(String name) {
        return namespace + name;
    }

    protected static LimitSpec spec(Algorithm algorithm, long limit, Duration period) {
        return new LimitSpec(algorithm, limit, period, limit);
    }

    protected final Decision consume(String name, LimitSpec spec) {
        return join(limiter().tryConsume(key(name), spec));
    }

    protected final Decision peek(String name, LimitSpec spec) {
        return join(limiter().peek(key(name), spec));
    }

    /** Consumes until refused; returns how many were admitted. */
    protected final int drain(String name, LimitSpec spec) {
        return drain(limiter(), key(name), spec);
    }

    protected static int drain(RateLimiter limiter, String key, LimitSpec spec) {
        int admitted = 0;
        while (join(limiter.tryConsume(key, spec)).allowed()) {
            admitted++;
            if (admitted > 1_000_000) {
                throw new AssertionError("never refused");
            }
        }
        return admitted;
    }

    protected static Decision join(CompletionStage<Decision> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    // ---- exactly the limit, then refused

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void admitsExactlyTheLimitThenRefuses(Algorithm algorithm) {
        LimitSpec spec = spec(algorithm, 5, MINUTE);
        for (int i = 1; i <= 5; i++) {
            Decision d = consume("k", spec);
            assertThat(d.allowed()).as("request %d", i).isTrue();
            assertThat(d.limit()).isEqualTo(5);
            assertThat(d.remaining()).isEqualTo(5 - i);
            assertThat(d.retryAfterNanos()).isZero();
        }
        for (int i = 0; i < 3; i++) {
            Decision d = consume("k", spec);
            assertThat(d.allowed()).isFalse();
            assertThat(d.remaining()).isZero();
            assertThat(d.retryAfterNanos()).isPositive();
        }
    }

    @Test
    void tokenBucketBurstIsTheCapacity() {
        LimitSpec spec = LimitSpec.of(Algorithm.TOKEN_BUCKET, 100, MINUTE, 5L);
        assertThat(drain("k", spec)).isEqualTo(5);
        assertThat(consume("k", spec).retryAfterNanos()).isEqualTo(Duration.ofMillis(600).toNanos());
    }

    // ---- refill and window arithmetic as time moves

    @Test
    void tokenBucketRefillsSmoothly() {
        LimitSpec spec = spec(Algorithm.TOKEN_BUCKET, 10, Duration.ofSeconds(10));
        assertThat(drain("k", spec)).isEqualTo(10);

        ticker.advanceMillis(999);
        Decision early = consume("k", spec);
        assertThat(early.allowed()).isFalse();
        assertThat(early.retryAfterNanos()).isEqualTo(Duration.ofMillis(1).toNanos());

        ticker.advanceMillis(1);
        assertThat(drain("k", spec)).isEqualTo(1);

        ticker.advance(Duration.ofMinutes(5));
        assertThat(drain("k", spec)).as("refill stops at the capacity").isEqualTo(10);
    }

    @Test
    void leakyBucketAdmitsAtAnEvenPace() {
        LimitSpec spec = LimitSpec.of(Algorithm.LEAKY_BUCKET, 10, Duration.ofSeconds(1), null);
        Decision first = consume("k", spec);
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isZero();
        assertThat(first.resetNanos()).isEqualTo(Duration.ofMillis(100).toNanos());

        Decision second = consume("k", spec);
        assertThat(second.allowed()).isFalse();
        assertThat(second.retryAfterNanos()).isEqualTo(Duration.ofMillis(100).toNanos());

        ticker.advanceMillis(99);
        assertThat(consume("k", spec).allowed()).isFalse();
        ticker.advanceMillis(1);
        assertThat(consume("k", spec).allowed()).isTrue();

        int admitted = 0;
        for (int step = 0; step < 50; step++) {
            ticker.advanceMillis(20);
            admitted += drain("k", spec);
        }
        assertThat(admitted).as("one second at 10/s in 20 ms steps").isEqualTo(10);
    }

    @Test
    void fixedWindowIsAlignedToTheEpoch() {
        LimitSpec spec = spec(Algorithm.FIXED_WINDOW, 3, MINUTE);
        ticker.advance(Duration.ofSeconds(50));
        for (int i = 0; i < 3; i++) {
            Decision d = consume("k", spec);
            assertThat(d.allowed()).isTrue();
            assertThat(d.resetNanos()).as("until the whole minute").isEqualTo(Duration.ofSeconds(10).toNanos());
        }
        Decision refused = consume("k", spec);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(refused.resetNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());

        ticker.advanceMillis(9_999);
        assertThat(consume("k", spec).retryAfterNanos()).isEqualTo(Duration.ofMillis(1).toNanos());

        ticker.advanceMillis(1);
        Decision fresh = consume("k", spec);
        assertThat(fresh.allowed()).as("a new window at the whole minute").isTrue();
        assertThat(fresh.remaining()).isEqualTo(2);
        assertThat(fresh.resetNanos()).isEqualTo(MINUTE.toNanos());
    }

    @Test
    void fixedWindowAdmitsExactlyTheLimitInEveryAlignedWindow() {
        LimitSpec spec = spec(Algorithm.FIXED_WINDOW, 4, Duration.ofSeconds(10));
        long periodMillis = 10_000;
        long[] perWindow = new long[6];
        ticker.advanceMillis(3_700);
        for (int step = 0; step < 50; step++) {
            long window = (ticker.epochMillis() - ManualTicker.START_MILLIS) / periodMillis;
            for (int attempt = 0; attempt < 3; attempt++) {
                if (consume("k", spec).allowed()) {
                    perWindow[(int) window]++;
                }
            }
            ticker.advanceMillis(1_100);
        }
        assertThat(perWindow).containsExactly(4, 4, 4, 4, 4, 4);
    }

    @Test
    void slidingWindowWeighsThePreviousWindowByItsOverlap() {
        LimitSpec spec = spec(Algorithm.SLIDING_WINDOW, 10, Duration.ofSeconds(10));
        ticker.advance(Duration.ofSeconds(9));
        assertThat(drain("k", spec)).isEqualTo(10);
        Decision refused = consume("k", spec);
        assertThat(refused.resetNanos()).as("until the window ends").isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(refused.retryAfterNanos()).as("1 s into the next window: 10 * 0.9 = 9 counted")
                .isEqualTo(Duration.ofSeconds(2).toNanos());

        ticker.advance(Duration.ofSeconds(1));
        assertThat(consume("k", spec).allowed()).as("the previous window still weighs 10").isFalse();
        ticker.advanceMillis(999);
        assertThat(consume("k", spec).allowed()).isFalse();
        ticker.advanceMillis(1);
        assertThat(drain("k", spec)).isEqualTo(1);

        ticker.advance(Duration.ofSeconds(4));
        Decision half = peek("k", spec);
        assertThat(half.remaining()).as("10 - (1 + 10 * 0.5)").isEqualTo(4);
        assertThat(drain("k", spec)).isEqualTo(4);

        ticker.advance(Duration.ofSeconds(25));
        assertThat(drain("k", spec)).as("both windows passed").isEqualTo(10);
    }

    /** The bound of {@link SlidingWindow}'s Javadoc, under the traffic that approaches it. */
    @Test
    void slidingWindowStaysWithinItsDocumentedBound() {
        long limit = 20;
        long periodMillis = 10_000;
        LimitSpec spec = spec(Algorithm.SLIDING_WINDOW, limit, Duration.ofMillis(periodMillis));
        List<Long> admittedAt = new ArrayList<>();
        ticker.advanceMillis(periodMillis - 250);
        long worstOvershoot = Long.MIN_VALUE;
        for (int step = 0; step < 4 * periodMillis / 250; step++) {
            long now = ticker.epochMillis();
            for (int i = drain("k", spec); i > 0; i--) {
                admittedAt.add(now);
            }
            long windowStart = now - Math.floorMod(now, periodMillis);
            long previous = admittedAt.stream().filter(t -> t >= windowStart - periodMillis && t < windowStart).count();
            long current = admittedAt.stream().filter(t -> t >= windowStart).count();
            long trailing = admittedAt.stream().filter(t -> t > now - periodMillis).count();
            long bound = limit + previous * (now - windowStart) / periodMillis;
            assertThat(current).as("aligned window at %d", now).isLessThanOrEqualTo(limit);
            assertThat(trailing).as("trailing period at %d", now).isLessThanOrEqualTo(bound);
            worstOvershoot = Math.max(worstOvershoot, trailing - limit);
            ticker.advanceMillis(250);
        }
        assertThat(worstOvershoot).as("a burst at a window's end is what the bound is about").isPositive();
    }

    // ---- decision fields

    @Test
    void tokenBucketDecisionFields() {
        LimitSpec spec = spec(Algorithm.TOKEN_BUCKET, 10, Duration.ofSeconds(10));
        Decision first = consume("k", spec);
        assertThat(first).isEqualTo(new Decision(true, 10, 9, Duration.ofSeconds(1).toNanos(), 0));
        for (int i = 0; i < 8; i++) {
            consume("k", spec);
        }
        assertThat(consume("k", spec)).isEqualTo(new Decision(true, 10, 0, Duration.ofSeconds(10).toNanos(), 0));
        assertThat(consume("k", spec)).isEqualTo(new Decision(false, 10, 0, Duration.ofSeconds(10).toNanos(),
                Duration.ofSeconds(1).toNanos()));
        ticker.advanceMillis(2_500);
        assertThat(peek("k", spec)).isEqualTo(new Decision(true, 10, 2, Duration.ofMillis(7_500).toNanos(), 0));
    }

    @Test
    void slidingWindowDecisionFields() {
        LimitSpec spec = spec(Algorithm.SLIDING_WINDOW, 4, Duration.ofSeconds(10));
        ticker.advance(Duration.ofSeconds(6));
        assertThat(consume("k", spec)).isEqualTo(new Decision(true, 4, 3, Duration.ofSeconds(4).toNanos(), 0));
        drain("k", spec);
        ticker.advance(Duration.ofSeconds(5));
        // 1 s into the next window: 4 * 0.9 -> 4 counted; 3 counted (room for one) once 4 * (1 - e) <= 3: e = 0.25
        assertThat(consume("k", spec)).isEqualTo(new Decision(false, 4, 0, Duration.ofSeconds(9).toNanos(),
                Duration.ofMillis(1_500).toNanos()));
    }

    // ---- peek

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void peekConsumesNothing(Algorithm algorithm) {
        LimitSpec spec = spec(algorithm, 3, MINUTE);
        consume("k", spec);
        for (int i = 0; i < 5; i++) {
            Decision d = peek("k", spec);
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(2);
        }
        assertThat(drain("k", spec)).isEqualTo(2);
        Decision empty = peek("k", spec);
        assertThat(empty.allowed()).isFalse();
        assertThat(empty.remaining()).isZero();
        assertThat(empty.retryAfterNanos()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void peekOfAnUnknownKeyIsAFullBucket(Algorithm algorithm) {
        LimitSpec spec = spec(algorithm, 3, MINUTE);
        Decision d = peek("never-used", spec);
        assertThat(d.allowed()).isTrue();
        assertThat(d.remaining()).isEqualTo(3);
        assertThat(drain("never-used", spec)).isEqualTo(3);
    }

    // ---- keys

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void differentKeysAreIndependent(Algorithm algorithm) {
        LimitSpec spec = spec(algorithm, 3, MINUTE);
        assertThat(drain("a", spec)).isEqualTo(3);
        assertThat(drain("b", spec)).isEqualTo(3);
        assertThat(consume("a", spec).allowed()).isFalse();
    }

    // ---- spec changes

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void loweringTheLimitGivesNoNewTokens(Algorithm algorithm) {
        LimitSpec before = spec(algorithm, 10, MINUTE).withGeneration(1);
        for (int i = 0; i < 3; i++) {
            consume("k", before);
        }
        LimitSpec after = spec(algorithm, 5, MINUTE).withGeneration(2);
        Decision first = consume("k", after);
        assertThat(first.limit()).isEqualTo(5);
        assertThat(1 + drain("k", after)).as("at most min(7 left, new limit 5)").isBetween(1, 5);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void raisingTheLimitAllowsMoreWithoutReset(Algorithm algorithm) {
        LimitSpec before = spec(algorithm, 10, MINUTE).withGeneration(1);
        for (int i = 0; i < 3; i++) {
            consume("k", before);
        }
        LimitSpec after = spec(algorithm, 20, MINUTE).withGeneration(2);
        assertThat(peek("k", after).remaining()).isEqualTo(17);
        assertThat(drain("k", after)).as("20 minus the 3 consumed").isEqualTo(17);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void anOlderSpecDoesNotOverrideANewerOne(Algorithm algorithm) {
        LimitSpec newer = spec(algorithm, 5, MINUTE).withGeneration(7);
        LimitSpec older = spec(algorithm, 10, MINUTE).withGeneration(6);
        assertThat(drain("k", newer)).isEqualTo(5);
        assertThat(consume("k", older).allowed()).as("a node still on the old config").isFalse();
        assertThat(peek("k", older).allowed()).isFalse();
    }

    // ---- concurrency and shared stores

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void concurrentCallersAdmitExactlyTheLimit(Algorithm algorithm) throws Exception {
        LimitSpec spec = spec(algorithm, 100, MINUTE);
        RateLimiter shared = limiter();
        int threads = 8;
        int attempts = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<CompletionStage<Decision>> stages = new ArrayList<>();
                    for (int i = 0; i < attempts; i++) {
                        stages.add(shared.tryConsume(key("hot"), spec));
                    }
                    int admitted = 0;
                    for (CompletionStage<Decision> stage : stages) {
                        admitted += join(stage).allowed() ? 1 : 0;
                    }
                    return admitted;
                }));
            }
            start.countDown();
            int admitted = 0;
            for (Future<Integer> result : results) {
                admitted += result.get(30, TimeUnit.SECONDS);
            }
            assertThat(admitted).isEqualTo(100);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void twoLimitersOnTheSameStoreShareBuckets(Algorithm algorithm) {
        LimitSpec spec = spec(algorithm, 5, MINUTE);
        RateLimiter other = newLimiterOnSameStore(limiter(), ticker);
        for (int i = 0; i < 3; i++) {
            assertThat(consume("k", spec).allowed()).isTrue();
        }
        assertThat(join(other.peek(key("k"), spec)).remaining()).isEqualTo(2);
        assertThat(drain(other, key("k"), spec)).isEqualTo(2);
        assertThat(consume("k", spec).allowed()).isFalse();
    }

    /** Buckets of {@code space} the store holds, every node's share together. */
    protected long keysHeld(KeySpace space) {
        return limiter().keyStats(space).keys();
    }

    /** Buckets of {@code space} the store evicted past its bound, every node's count together. */
    protected long keysEvicted(KeySpace space) {
        return limiter().keyStats(space).evicted();
    }

    /** The most keys the store may hold under a bound of {@code maxKeys}: the in-memory store holds exactly that. */
    protected long heldAtMost(long maxKeys) {
        return maxKeys;
    }

    /**
     * max-keys (README, "Bounded state"): a flood of one-shot keys four times the bound leaves the store holding at
     * most the bound, a key in use all along survives it (it stays refused), and an evicted key starts again with a
     * full bucket: one extra admission (one {@code limit}) per eviction, never more.
     */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aKeySpaceHoldsAtMostMaxKeysAndAnEvictedKeyStartsFull(Algorithm algorithm) {
        int maxKeys = 1_000;
        KeySpace space = new KeySpace("bounded-" + algorithm + "-" + UUID.randomUUID(), maxKeys);
        LimitSpec spec = spec(algorithm, 1, Duration.ofDays(1)).withKeys(space);
        assertThat(consume("hot", spec).allowed()).isTrue();
        for (int i = 0; i < 20; i++) {
            assertThat(consume("hot", spec).allowed()).isFalse();
        }
        int flood = 4 * maxKeys;
        for (int i = 0; i < flood; i++) {
            assertThat(consume("one-shot-" + i, spec).allowed()).isTrue();
            if (i % 20 == 0) {
                assertThat(consume("hot", spec).allowed()).as("the key in use, after %s one-shot keys", i).isFalse();
            }
        }

        long held = keysHeld(space);
        assertThat(held).as("keys held after %s distinct keys", flood + 1)
                .isLessThanOrEqualTo(heldAtMost(maxKeys)).isGreaterThanOrEqualTo(maxKeys / 2);
        assertThat(keysEvicted(space)).as("evicted").isEqualTo(flood + 1 - held);
        assertThat(consume("hot", spec).allowed()).as("a key in frequent use outlives a flood of new ones").isFalse();
        long admittedAgain = IntStream.range(0, 100).filter(i -> consume("one-shot-" + i, spec).allowed()).count();
        assertThat(admittedAgain).as("evicted one-shot keys start full again").isPositive();
        assertThat(keysHeld(space)).isLessThanOrEqualTo(heldAtMost(maxKeys));
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void keySpacesKeepTheirBucketsApart(Algorithm algorithm) {
        LimitSpec spec = spec(algorithm, 2, MINUTE);
        LimitSpec a = spec.withKeys(new KeySpace("a-" + UUID.randomUUID(), 10));
        LimitSpec b = spec.withKeys(new KeySpace("b-" + UUID.randomUUID(), 10));
        assertThat(drain("shared-name", a)).isEqualTo(2);
        assertThat(drain("shared-name", b)).isEqualTo(2);
        assertThat(keysHeld(a.keys())).isEqualTo(1);
        assertThat(keysHeld(b.keys())).isEqualTo(1);
    }
}
