package dev.gateway.cluster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOverMicroseconds() {
        long[] nanos = LongStream.rangeClosed(1, 1_000).map(i -> i * 1_000).toArray(); // 1..1000 us, shuffled below
        for (int i = 0; i < nanos.length; i += 2) {
            long t = nanos[i];
            nanos[i] = nanos[nanos.length - 1 - i];
            nanos[nanos.length - 1 - i] = t;
        }
        Percentiles p = Percentiles.of(nanos);
        assertThat(p.count()).isEqualTo(1_000);
        assertThat(p.p50()).isEqualTo(500.0);
        assertThat(p.p90()).isEqualTo(900.0);
        assertThat(p.p99()).isEqualTo(990.0);
        assertThat(p.p999()).isEqualTo(999.0);
        assertThat(p.max()).isEqualTo(1_000.0);
        assertThat(p.shareUnder300()).isEqualTo(30.0);
    }

    @Test
    void oneValueIsEveryPercentile() {
        Percentiles p = Percentiles.of(new long[] {300_001});
        assertThat(p.p50()).isEqualTo(p.p999()).isEqualTo(300.001);
        assertThat(p.shareUnder300()).isZero();
    }

    @Test
    void noValuesIsAnError() {
        assertThatThrownBy(() -> Percentiles.of(new long[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
