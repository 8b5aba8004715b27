package dev.gateway.node.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesUpToTheMaximum() {
        Backoff b = new Backoff(50, 1000, false, () -> 0.5);
        assertThat(b.delayNanos(1)).isEqualTo(50);
        assertThat(b.delayNanos(2)).isEqualTo(100);
        assertThat(b.delayNanos(3)).isEqualTo(200);
        assertThat(b.delayNanos(6)).isEqualTo(1000);
        assertThat(b.delayNanos(60)).isEqualTo(1000);
    }

    @Test
    void fullJitterIsUniformBelowTheComputedDelay() {
        assertThat(new Backoff(50, 1000, true, () -> 0.0).delayNanos(3)).isZero();
        assertThat(new Backoff(50, 1000, true, () -> 0.5).delayNanos(3)).isEqualTo(100);
        assertThat(new Backoff(50, 1000, true, () -> 0.999).delayNanos(3)).isLessThan(200);
    }
}
