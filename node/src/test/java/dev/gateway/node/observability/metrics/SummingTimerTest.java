package dev.gateway.node.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SummingTimerTest {

    @Test
    void sumCoversEveryWayOfRecording() {
        SummingTimer timer = new SummingTimer();
        timer.update(3, TimeUnit.MILLISECONDS);
        timer.update(Duration.ofMillis(2));
        timer.time(() -> { });

        assertThat(timer.getCount()).isEqualTo(3);
        assertThat(timer.sumNanos()).isGreaterThanOrEqualTo(5_000_000L);
    }

    @Test
    void negativeDurationsAreIgnoredByCountAndSum() {
        SummingTimer timer = new SummingTimer();
        timer.update(-1, TimeUnit.NANOSECONDS);

        assertThat(timer.getCount()).isZero();
        assertThat(timer.sumNanos()).isZero();
    }
}
