package dev.gateway.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.cluster.member.SettableClock;
import dev.gateway.limiter.Decision;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.LimitSpec.Algorithm;
import dev.gateway.limiter.ManualTicker;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two members whose clocks differ by 30 s (ports 5861-5862): every bucket and window is decided by its owner's
 * clock, so a check arriving through the skewed member gets the answer it would get through the owner.
 */
class SkewedMemberClocksTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final long START = ManualTicker.START_MILLIS;
    private static final long SKEW = 30_000;

    private static final SettableClock OWNER_CLOCK = new SettableClock(START);
    private static final SettableClock SKEWED_CLOCK = new SettableClock(START + SKEW);
    private static LimitsCluster cluster;

    private final String namespace = "skew-" + UUID.randomUUID() + ":";

    @BeforeAll
    static void startCluster() {
        cluster = LimitsCluster.start("limits-skew", 5861, 2, 1, List.of(OWNER_CLOCK, SKEWED_CLOCK));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void resetClocks() {
        OWNER_CLOCK.set(START);
        SKEWED_CLOCK.set(START + SKEW);
    }

    @Test
    void aCallerAheadRefillsNothingTheOwnerHasNotSeenElapse() {
        LimitSpec spec = LimitSpec.of(Algorithm.TOKEN_BUCKET, 10, Duration.ofMinutes(1), null);
        String key = keyOwnedByTheFirst("token-ahead");
        drain(onOwner(), key, spec, 10);

        Decision skewed = check(onSkewed(), key, spec);
        assertThat(skewed.allowed()).as("30 s on the caller's clock would have refilled 5 tokens").isFalse();
        assertThat(skewed.retryAfterNanos()).as("one token at 10/min, by the owner's clock")
                .isEqualTo(Duration.ofSeconds(6).toNanos());
    }

    @Test
    void aCallerBehindGetsWhatTheOwnersClockRefilled() {
        SKEWED_CLOCK.set(START - SKEW);
        LimitSpec spec = LimitSpec.of(Algorithm.TOKEN_BUCKET, 10, Duration.ofMinutes(1), null);
        String key = keyOwnedByTheFirst("token-behind");
        drain(onOwner(), key, spec, 10);
        OWNER_CLOCK.advanceMillis(6_000);
        SKEWED_CLOCK.advanceMillis(6_000);

        assertThat(check(onSkewed(), key, spec).allowed()).as("6 s elapsed on the owner: one token").isTrue();
        assertThat(check(onSkewed(), key, spec).allowed()).isFalse();
    }

    @Test
    void aSlidingWindowCountsByTheOwnersClock() {
        LimitSpec spec = LimitSpec.of(Algorithm.SLIDING_WINDOW, 10, Duration.ofSeconds(10), null);
        String key = keyOwnedByTheFirst("sliding");
        drain(onOwner(), key, spec, 10);

        assertThat(check(onSkewed(), key, spec).allowed())
                .as("30 s later on the caller's clock, both windows would have passed").isFalse();
    }

    @Test
    void aPeekThroughTheSkewedMemberSeesTheOwnersWindow() {
        LimitSpec spec = LimitSpec.of(Algorithm.SLIDING_WINDOW, 10, Duration.ofSeconds(10), null);
        String key = keyOwnedByTheFirst("peek");
        drain(onOwner(), key, spec, 10);

        Decision peek = onSkewed().peek(key, spec).toCompletableFuture().join();
        assertThat(peek.allowed()).isFalse();
        assertThat(peek.remaining()).isZero();
    }

    @Test
    void aFixedWindowsResetIsTheOwnersWindowEnd() {
        SKEWED_CLOCK.advanceMillis(2_500);
        LimitSpec spec = LimitSpec.of(Algorithm.FIXED_WINDOW, 10, Duration.ofSeconds(10), null);
        String key = keyOwnedByTheFirst("fixed");

        Decision first = check(onSkewed(), key, spec);
        assertThat(first.allowed()).isTrue();
        assertThat(first.resetNanos()).as("the owner is at a window's start").isEqualTo(Duration.ofSeconds(10).toNanos());
    }

    private HazelcastRateLimiter onOwner() {
        return new HazelcastRateLimiter(cluster.member(0), TIMEOUT);
    }

    private HazelcastRateLimiter onSkewed() {
        return new HazelcastRateLimiter(cluster.member(1), TIMEOUT);
    }

    private static void drain(HazelcastRateLimiter limiter, String key, LimitSpec spec, int tokens) {
        for (int i = 0; i < tokens; i++) {
            assertThat(check(limiter, key, spec).allowed()).as("token %d of %d", i + 1, tokens).isTrue();
        }
        assertThat(check(limiter, key, spec).allowed()).as("drained").isFalse();
    }

    private static Decision check(HazelcastRateLimiter limiter, String key, LimitSpec spec) {
        return limiter.tryConsume(key, spec).toCompletableFuture().join();
    }

    private String keyOwnedByTheFirst(String name) {
        for (int i = 0; ; i++) {
            String candidate = namespace + name + "-" + i;
            if (cluster.ownerOf(candidate) == cluster.member(0)) {
                return candidate;
            }
        }
    }
}
