package dev.gateway.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = ManualTicker.START_MILLIS * 1_000_000L;

    @Test
    void firstRequestCreatesAnAlignedState() {
        SlidingWindow.Step step = SlidingWindow.tryConsume(null, 9, 5, 10 * SECOND, T0 + 3 * SECOND);
        assertThat(step.state()).containsExactly(9, 5, 10 * SECOND, T0, 1, 0);
        assertThat(step.decision()).isEqualTo(new Decision(true, 5, 4, 7 * SECOND, 0));
    }

    @Test
    void aRefusalNeedsNoWrite() {
        long[] full = {9, 2, 10 * SECOND, T0, 2, 0};
        SlidingWindow.Step step = SlidingWindow.tryConsume(full, 9, 2, 10 * SECOND, T0 + SECOND);
        assertThat(step.decision().allowed()).isFalse();
        assertThat(step.state()).isNull();
    }

    @Test
    void neverModifiesItsArgument() {
        long[] stored = {9, 5, 10 * SECOND, T0, 2, 3};
        long[] copy = stored.clone();
        SlidingWindow.tryConsume(stored, 9, 5, 10 * SECOND, T0 + 25 * SECOND);
        SlidingWindow.tryConsume(stored, 10, 7, 20 * SECOND, T0 + SECOND);
        SlidingWindow.peek(stored, 9, 5, 10 * SECOND, T0 + SECOND);
        assertThat(stored).containsExactly(copy);
    }

    @Test
    void rollsOneWindowIntoPreviousAndForgetsOlderOnes() {
        long[] stored = {9, 5, 10 * SECOND, T0, 4, 1};
        assertThat(SlidingWindow.at(stored, 9, 5, 10 * SECOND, T0 + 12 * SECOND))
                .containsExactly(9, 5, 10 * SECOND, T0 + 10 * SECOND, 0, 4);
        assertThat(SlidingWindow.at(stored, 9, 5, 10 * SECOND, T0 + 20 * SECOND))
                .containsExactly(9, 5, 10 * SECOND, T0 + 20 * SECOND, 0, 0);
    }

    @Test
    void aClockBehindTheWindowCountsAsItsStart() {
        long[] stored = {9, 5, 10 * SECOND, T0 + 10 * SECOND, 1, 5};
        Decision d = SlidingWindow.peek(stored, 9, 5, 10 * SECOND, T0 + 9 * SECOND);
        assertThat(d.remaining()).isZero();
        assertThat(d.resetNanos()).isEqualTo(10 * SECOND);
    }

    @Test
    void aNewerSpecKeepsTheCountsAndAnOlderOneIsIgnored() {
        long[] stored = {9, 5, 10 * SECOND, T0, 4, 0};
        assertThat(SlidingWindow.at(stored, 10, 8, 10 * SECOND, T0 + SECOND))
                .containsExactly(10, 8, 10 * SECOND, T0, 4, 0);
        assertThat(SlidingWindow.at(stored, 8, 100, 60 * SECOND, T0 + SECOND))
                .as("older spec: the stored one rules").containsExactly(9, 5, 10 * SECOND, T0, 4, 0);
    }

    @Test
    void aNewPeriodCarriesTheEstimateIntoTheNewCurrentWindow() {
        long[] stored = {9, 10, 10 * SECOND, T0, 2, 8};
        // 5 s in: 2 + ceil(8 * 0.5) = 6 consumed, re-based into the aligned minute
        long[] adopted = SlidingWindow.at(stored, 10, 10, 60 * SECOND, T0 + 5 * SECOND);
        assertThat(adopted).containsExactly(10, 10, 60 * SECOND, T0, 6, 0);
    }

    @Test
    void retryAfterIsTheExactFirstMomentOfAdmission() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            long limit = 1 + random.nextLong(50);
            long period = 1 + random.nextLong(20 * SECOND);
            long start = T0 - Math.floorMod(T0, period);
            long current = random.nextLong(limit + 3);
            long previous = random.nextLong(limit + 1);
            long[] state = {1, limit, period, start, current, previous};
            long now = start + random.nextLong(period);
            Decision d = SlidingWindow.peek(state, 1, limit, period, now);
            if (d.allowed()) {
                assertThat(d.retryAfterNanos()).isZero();
                continue;
            }
            long at = now + d.retryAfterNanos();
            assertThat(SlidingWindow.peek(state, 1, limit, period, at).allowed())
                    .as("admitted at %s for %s", at, java.util.Arrays.toString(state)).isTrue();
            assertThat(SlidingWindow.peek(state, 1, limit, period, at - 1).allowed())
                    .as("refused just before, for %s at %s", java.util.Arrays.toString(state), now).isFalse();
        }
    }

    @Test
    void largeLimitsAndPeriodsDoNotOverflow() {
        long period = Duration.ofDays(30).toNanos();
        long limit = 1_000_000_000L;
        long start = T0 - Math.floorMod(T0, period);
        long[] state = {1, limit, period, start, limit - 1, limit};
        Decision d = SlidingWindow.peek(state, 1, limit, period, start + period / 2);
        assertThat(d.allowed()).isFalse();
        assertThat(d.retryAfterNanos()).isPositive();
        assertThat(SlidingWindow.mulDiv(Long.MAX_VALUE, 3, 4, true)).isEqualTo(6917529027641081856L);
    }

    @Test
    void decisionsTravelAsLongs() {
        Decision d = new Decision(false, 5, 0, 7, 3);
        assertThat(SlidingWindow.decode(SlidingWindow.encode(d))).isEqualTo(d);
        assertThatThrownBy(() -> SlidingWindow.decode(new long[2]))
                .hasMessage("decision: 2 longs (expected: 5 longs)");
    }

    @Test
    void rejectsForeignState() {
        assertThatThrownBy(() -> SlidingWindow.at(new long[3], 1, 1, 1, 0))
                .hasMessage("state: 3 longs (expected: 6)");
    }
}
