package dev.gateway.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.limiter.LimitSpec.Algorithm;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest extends RateLimiterContract {

    @Override
    protected RateLimiter newLimiter(ManualTicker ticker) {
        return new LocalRateLimiter(ticker);
    }

    private LocalRateLimiter local() {
        return (LocalRateLimiter) limiter();
    }

    @Test
    void bucketsAreForgottenOnceFullAgainAndNotBefore() {
        LimitSpec token = spec(Algorithm.TOKEN_BUCKET, 10, Duration.ofSeconds(10));
        LimitSpec fixed = spec(Algorithm.FIXED_WINDOW, 10, Duration.ofSeconds(10));
        LimitSpec sliding = spec(Algorithm.SLIDING_WINDOW, 10, Duration.ofSeconds(10));
        ticker.advance(Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            consume("token", token);
            consume("fixed", fixed);
            consume("sliding", sliding);
        }
        assertThat(local().size()).isEqualTo(3);

        ticker.advanceMillis(2_999);
        local().sweep();
        assertThat(local().size()).as("token bucket 1 ms short of full, windows still open").isEqualTo(3);
        assertThat(peek("token", token).remaining()).isEqualTo(9);

        ticker.advanceMillis(1);
        local().sweep();
        assertThat(local().size()).as("the token bucket is full again").isEqualTo(2);

        ticker.advance(Duration.ofSeconds(2));
        local().sweep();
        assertThat(local().size()).as("the fixed window has passed").isEqualTo(1);

        ticker.advance(Duration.ofSeconds(10));
        local().sweep();
        assertThat(local().size()).as("both sliding windows have passed").isZero();
        assertThat(drain("token", token)).isEqualTo(10);
    }

    @Test
    void sweepsItselfOncePerInterval() {
        LocalRateLimiter limiter = new LocalRateLimiter(ticker, Duration.ofSeconds(30));
        LimitSpec spec = spec(Algorithm.TOKEN_BUCKET, 10, Duration.ofSeconds(1));
        join(limiter.tryConsume("idle", spec));
        ticker.advance(Duration.ofSeconds(29));
        join(limiter.tryConsume("busy", spec));
        assertThat(limiter.size()).isEqualTo(2);
        ticker.advance(Duration.ofSeconds(1));
        join(limiter.tryConsume("busy", spec));
        assertThat(limiter.size()).isEqualTo(1);
    }

    @Test
    void peekCreatesNoBucket() {
        peek("k", spec(Algorithm.TOKEN_BUCKET, 10, Duration.ofSeconds(1)));
        peek("k", spec(Algorithm.SLIDING_WINDOW, 10, Duration.ofSeconds(1)));
        assertThat(local().size()).isZero();
    }

    @Test
    void rejectsABadSweepInterval() {
        assertThatThrownBy(() -> new LocalRateLimiter(ticker, Duration.ZERO))
                .hasMessage("sweepInterval: PT0S (expected: > 0)");
    }
}
