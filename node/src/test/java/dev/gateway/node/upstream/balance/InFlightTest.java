package dev.gateway.node.upstream.balance;

import static dev.gateway.node.upstream.balance.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.node.upstream.UpstreamTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightTest {
    private final List<UpstreamTarget> targets = Fixtures.targets(3);
    private final InFlight inFlight = new InFlight(targets);

    @Test
    void countsStartedMinusFinishedPerTarget() {
        inFlight.started(targets.get(0));
        inFlight.started(targets.get(0));
        inFlight.started(targets.get(2));
        inFlight.finished(targets.get(0));

        assertThat(inFlight.get(targets.get(0))).isEqualTo(1);
        assertThat(inFlight.get(targets.get(1))).isZero();
        assertThat(inFlight.get(targets.get(2))).isEqualTo(1);
    }

    @Test
    void indexOfIsThePositionOfThatVeryInstance() {
        assertThat(inFlight.indexOf(targets.get(2))).isEqualTo(2);
        assertThat(inFlight.indexOf(target(1, 1))).as("an equal but other instance").isEqualTo(-1);
    }

    @Test
    void aForeignTargetIsAWiringBug() {
        assertThatThrownBy(() -> inFlight.started(target(9, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("127.0.0.1:9009");
    }

    @Test
    void theSameInstanceTwiceIsRejected() {
        UpstreamTarget t = target(1, 1);

        assertThatThrownBy(() -> new InFlight(List.of(t, target(2, 1), t)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targets[2]");
    }

    @Test
    void concurrentUpdatesAreNotLost() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        inFlight.started(targets.get(i % 3));
                        inFlight.started(targets.get(0));
                        inFlight.finished(targets.get(i % 3));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(inFlight.get(targets.get(0))).isEqualTo(80_000);
        assertThat(inFlight.get(targets.get(1))).isZero();
        assertThat(inFlight.get(targets.get(2))).isZero();
    }
}
