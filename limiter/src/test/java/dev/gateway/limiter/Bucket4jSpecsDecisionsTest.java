package dev.gateway.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.limiter.LimitSpec.Algorithm;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.VerboseResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Checks that arrive together and are answered from one "consume as much as possible" get exactly the
 * decisions the same checks would get one by one: same admissions, remaining counts, Retry-After and reset.
 */
class Bucket4jSpecsDecisionsTest {

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"TOKEN_BUCKET", "LEAKY_BUCKET", "FIXED_WINDOW"})
    void aBatchDecidesExactlyAsTheSameChecksOneByOne(Algorithm algorithm) {
        Random random = new Random(42);
        int compared = 0;
        for (int round = 0; round < 300; round++) {
            long limit = 1 + random.nextInt(50);
            Duration period = Duration.ofMillis(1 + random.nextInt(10_000));
            long capacity = algorithm == Algorithm.TOKEN_BUCKET ? limit + random.nextInt(20) : limit;
            LimitSpec spec = new LimitSpec(algorithm, limit, period, capacity);
            long drained = random.nextInt((int) capacity + 1);
            long sinceMillis = random.nextInt(3 * (int) period.toMillis() + 1);
            int checks = 1 + random.nextInt((int) capacity + 5);

            ManualTicker ticker = new ManualTicker(ManualTicker.START_MILLIS + random.nextInt(100_000));
            Bucket oneByOne = bucket(spec, ticker, drained);
            Bucket together = bucket(spec, ticker, drained);
            ticker.advanceMillis(sinceMillis);

            List<Decision> expected = new ArrayList<>();
            for (int i = 0; i < checks; i++) {
                expected.add(Bucket4jSpecs.decision(spec, oneByOne.tryConsumeAndReturnRemaining(1), ticker.epochNanos()));
            }
            VerboseResult<Long> result = together.asVerbose().tryConsumeAsMuchAsPossible(checks);
            List<Decision> actual = Arrays.asList(Bucket4jSpecs.decisions(spec, checks, result));

            assertThat(actual).as("%s, drained %d, %d ms later, %d checks", spec, drained, sinceMillis, checks)
                    .isEqualTo(expected);
            assertThat(together.getAvailableTokens()).isEqualTo(oneByOne.getAvailableTokens());
            compared += checks;
        }
        assertThat(compared).isGreaterThan(1_000);
    }

    @Test
    void refusesAResultThatTookMoreTokensThanChecks() {
        LimitSpec spec = new LimitSpec(Algorithm.TOKEN_BUCKET, 10, Duration.ofSeconds(1), 10);
        ManualTicker ticker = new ManualTicker();
        VerboseResult<Long> tookFive = bucket(spec, ticker, 0).asVerbose().tryConsumeAsMuchAsPossible(5);

        assertThatThrownBy(() -> Bucket4jSpecs.decisions(spec, 4, tookFive))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("consumed 5 tokens for 4 checks");
        assertThat(Bucket4jSpecs.decisions(spec, 5, tookFive)).extracting(Decision::remaining)
                .containsExactly(9L, 8L, 7L, 6L, 5L);
    }

    private static Bucket bucket(LimitSpec spec, ManualTicker ticker, long drained) {
        Bucket bucket = Bucket.builder()
                .addLimit(Bucket4jSpecs.configuration(spec).getBandwidths()[0])
                .withCustomTimePrecision(Bucket4jSpecs.timeMeter(ticker))
                .build();
        if (drained > 0) {
            bucket.tryConsume(drained);
        }
        return bucket;
    }
}
