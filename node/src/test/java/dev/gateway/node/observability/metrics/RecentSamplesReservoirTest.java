package dev.gateway.node.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecentSamplesReservoirTest {

    @Test
    void keepsTheMostRecentSamples() {
        RecentSamplesReservoir reservoir = new RecentSamplesReservoir(4);
        assertThat(reservoir.size()).isZero();
        assertThat(reservoir.getSnapshot().size()).isZero();

        for (long v = 1; v <= 6; v++) {
            reservoir.update(v);
        }

        assertThat(reservoir.size()).isEqualTo(4);
        assertThat(reservoir.getSnapshot().getValues()).containsExactly(3, 4, 5, 6);
        assertThat(reservoir.getSnapshot().getMedian()).isBetween(4.0, 5.0);
    }

    @Test
    void partlyFilledRingHasOnlyWrittenSamples() {
        RecentSamplesReservoir reservoir = new RecentSamplesReservoir(8);
        reservoir.update(10);
        reservoir.update(30);

        assertThat(reservoir.getSnapshot().getValues()).containsExactly(10, 30);
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new RecentSamplesReservoir(1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity: 1000 (expected: a power of two > 0)");
        assertThatThrownBy(() -> new RecentSamplesReservoir(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
