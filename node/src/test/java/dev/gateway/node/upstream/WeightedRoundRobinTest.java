package dev.gateway.node.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.config.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Smooth weighted round-robin: exact shares over each cycle, the heavy target interleaved with the light. */
class WeightedRoundRobinTest {
    private static final UpstreamTarget A = target(9001, 2);
    private static final UpstreamTarget B = target(9002, 1);

    @Test
    void weightsTwoToOneGiveExactCountsInEveryCycle() {
        WeightedRoundRobin balancer = new WeightedRoundRobin(List.of(A, B));

        for (int cycle = 0; cycle < 100; cycle++) {
            List<UpstreamTarget> picks = picks(balancer, 3);
            assertThat(picks).as("cycle %d", cycle).containsExactlyInAnyOrder(A, A, B);
        }
    }

    @Test
    void weightsTwoToOneInterleaveInsteadOfBursting() {
        List<UpstreamTarget> picks = picks(new WeightedRoundRobin(List.of(A, B)), 300);

        assertThat(picks.subList(0, 6)).containsExactly(A, B, A, A, B, A);
        for (int i = 1; i < picks.size(); i++) {
            assertThat(picks.get(i - 1) == B && picks.get(i) == B).as("light target twice in a row at %d", i).isFalse();
        }
        for (int i = 2; i < picks.size(); i++) {
            assertThat(picks.get(i - 2) == A && picks.get(i - 1) == A && picks.get(i) == A)
                    .as("heavy target three times in a row at %d", i).isFalse();
        }
        assertThat(counts(picks)).containsEntry(A, 200L).containsEntry(B, 100L);
    }

    @Test
    void equalWeightsRotateStrictly() {
        UpstreamTarget c = target(9003, 1);
        UpstreamTarget b = target(9002, 1);
        UpstreamTarget a = target(9001, 1);

        assertThat(picks(new WeightedRoundRobin(List.of(a, b, c)), 7)).containsExactly(a, b, c, a, b, c, a);
    }

    @Test
    void fiveOneOneSpreadsTheLightTargetsApart() {
        UpstreamTarget heavy = target(9001, 5);
        UpstreamTarget b = target(9002, 1);
        UpstreamTarget c = target(9003, 1);

        List<UpstreamTarget> cycle = picks(new WeightedRoundRobin(List.of(heavy, b, c)), 7);

        assertThat(cycle).containsExactly(heavy, heavy, b, heavy, c, heavy, heavy);
    }

    @Test
    void aSingleTargetTakesEverything() {
        assertThat(picks(new WeightedRoundRobin(List.of(B)), 5)).containsOnly(B);
    }

    @Test
    void concurrentPicksKeepExactShares() throws Exception {
        WeightedRoundRobin balancer = new WeightedRoundRobin(List.of(A, B));
        Map<UpstreamTarget, AtomicInteger> counts = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 3000; i++) {
                        counts.computeIfAbsent(balancer.pick(null), k -> new AtomicInteger()).incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(counts.get(A)).hasValue(8000);
        assertThat(counts.get(B)).hasValue(4000);
    }

    @Test
    void hugeWeightsAreScaledKeepingTheirRatio() {
        UpstreamTarget big = target(9001, 30_000);
        UpstreamTarget small = target(9002, 10_000);

        List<UpstreamTarget> picks = picks(new WeightedRoundRobin(List.of(big, small)), 40_000);

        assertThat(counts(picks)).containsEntry(big, 30_000L).containsEntry(small, 10_000L);
    }

    @Test
    void noTargetsIsRejected() {
        assertThatThrownBy(() -> new WeightedRoundRobin(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("targets");
    }

    private static List<UpstreamTarget> picks(WeightedRoundRobin balancer, int n) {
        List<UpstreamTarget> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(balancer.pick(null));
        }
        return out;
    }

    private static Map<UpstreamTarget, Long> counts(List<UpstreamTarget> picks) {
        return picks.stream().collect(Collectors.groupingBy(t -> t, Collectors.counting()));
    }

    private static UpstreamTarget target(int port, int weight) {
        return UpstreamTarget.of("users", Target.of("http://127.0.0.1:" + port, weight));
    }
}
