package dev.gateway.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.limiter.LimitSpec.Algorithm;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitSpecTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void defaultsCapacityPerAlgorithm() {
        assertThat(LimitSpec.of(Algorithm.TOKEN_BUCKET, 10, MINUTE, null).capacity()).isEqualTo(10);
        assertThat(LimitSpec.of(Algorithm.TOKEN_BUCKET, 10, MINUTE, 3L).capacity()).isEqualTo(3);
        assertThat(LimitSpec.of(Algorithm.LEAKY_BUCKET, 10, MINUTE, null).capacity()).isEqualTo(1);
        assertThat(LimitSpec.of(Algorithm.SLIDING_WINDOW, 10, MINUTE, null).capacity()).isEqualTo(10);
        assertThat(LimitSpec.of(Algorithm.FIXED_WINDOW, 10, MINUTE, null).generation()).isZero();
    }

    @Test
    void versionIsStableForTheSameArithmetic() {
        assertThat(new LimitSpec(Algorithm.TOKEN_BUCKET, 10, MINUTE, 10).version())
                .isEqualTo(LimitSpec.of(Algorithm.TOKEN_BUCKET, 10, MINUTE, null).version());
    }

    @Test
    void versionDiffersWhenTheArithmeticDiffers() {
        LimitSpec base = new LimitSpec(Algorithm.TOKEN_BUCKET, 10, MINUTE, 10);
        assertThat(base.version())
                .isNotEqualTo(new LimitSpec(Algorithm.TOKEN_BUCKET, 11, MINUTE, 10).version())
                .isNotEqualTo(new LimitSpec(Algorithm.TOKEN_BUCKET, 10, MINUTE.plusMillis(1), 10).version())
                .isNotEqualTo(new LimitSpec(Algorithm.TOKEN_BUCKET, 10, MINUTE, 9).version())
                .isNotEqualTo(new LimitSpec(Algorithm.LEAKY_BUCKET, 10, MINUTE, 10).version());
    }

    @Test
    void aNewerGenerationAlwaysHasTheGreaterVersion() {
        LimitSpec big = new LimitSpec(Algorithm.SLIDING_WINDOW, 1_000_000, Duration.ofDays(1), 1_000_000);
        LimitSpec small = new LimitSpec(Algorithm.TOKEN_BUCKET, 1, Duration.ofMillis(1), 1);
        for (long generation = 0; generation < 1_000; generation++) {
            assertThat(small.withGeneration(generation + 1).version()).isGreaterThan(big.withGeneration(generation).version());
            assertThat(big.withGeneration(generation + 1).version()).isGreaterThan(small.withGeneration(generation).version());
        }
        assertThat(big.withGeneration(LimitSpec.MAX_GENERATION).version()).isPositive();
    }

    @Test
    void validatesWithFieldNamedMessages() {
        assertThatThrownBy(() -> new LimitSpec(Algorithm.TOKEN_BUCKET, 0, MINUTE, 1))
                .hasMessage("limit: 0 (expected: > 0)");
        assertThatThrownBy(() -> new LimitSpec(Algorithm.FIXED_WINDOW, 5, MINUTE, 4))
                .hasMessage("capacity: 4 (expected: = limit 5 for FIXED_WINDOW)");
        assertThatThrownBy(() -> new LimitSpec(Algorithm.FIXED_WINDOW, 5, MINUTE, 5, -1))
                .hasMessage("generation: -1 (expected: 0..549755813887)");
    }
}
