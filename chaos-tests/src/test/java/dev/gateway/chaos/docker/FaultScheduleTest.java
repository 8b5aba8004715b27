package dev.gateway.chaos.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.chaos.docker.FaultSchedule.Fault;
import dev.gateway.chaos.docker.FaultSchedule.Kind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
    static final Duration RUN = Duration.ofMinutes(3);

    @Test
    void theSameSeedGivesTheSameSchedule() {
        assertThat(FaultSchedule.of(42, RUN, 3)).isEqualTo(FaultSchedule.of(42, RUN, 3)).isNotEmpty();
        assertThat(FaultSchedule.of(-7L, RUN, 3)).isEqualTo(FaultSchedule.of(-7L, RUN, 3));
    }

    @Test
    void differentSeedsGiveDifferentSchedules() {
        Set<List<Fault>> schedules = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            schedules.add(FaultSchedule.of(seed, RUN, 3));
        }
        assertThat(schedules).hasSize(20);
    }

    @Test
    void everyScheduleKeepsOneFaultAtATimeWithGapsAndEndsRecovered() {
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        Set<Integer> nodes = new HashSet<>();
        for (long seed = 0; seed < 2_000; seed++) {
            List<Fault> faults = FaultSchedule.of(seed * 7919, RUN, 3);
            assertThat(faults).as("seed %d", seed).hasSizeBetween(4, 12);
            long previousRecovery = -FaultSchedule.MIN_GAP_MS;
            for (Fault f : faults) {
                assertThat(f.atMillis() - previousRecovery).as("seed %d: gap before %s", seed, f)
                        .isGreaterThanOrEqualTo(FaultSchedule.MIN_GAP_MS / 2);
                if (previousRecovery > 0) {
                    assertThat(f.atMillis() - previousRecovery).as("seed %d: gap before %s", seed, f)
                            .isGreaterThanOrEqualTo(FaultSchedule.MIN_GAP_MS);
                }
                assertThat(f.forMillis()).as("seed %d: %s", seed, f)
                        .isBetween(FaultSchedule.MIN_FAULT_MS, FaultSchedule.MAX_FAULT_MS);
                assertThat(f.node()).isBetween(1, 3);
                assertThat(f.recoverAtMillis()).as("seed %d: %s recovered before the tail", seed, f)
                        .isLessThanOrEqualTo(RUN.toMillis() - FaultSchedule.TAIL_MS);
                previousRecovery = f.recoverAtMillis();
                kinds.add(f.kind());
                nodes.add(f.node());
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder(Kind.values());
        assertThat(nodes).containsExactlyInAnyOrder(1, 2, 3);
    }
}
