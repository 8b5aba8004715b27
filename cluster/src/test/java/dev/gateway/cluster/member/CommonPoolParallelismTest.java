package dev.gateway.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each case needs a JVM whose common pool does not exist yet: a child JVM pretending to have 2 cores. */
class CommonPoolParallelismTest {
    @Test
    void raisesTheParallelismWhenCalledBeforeThePoolExists() throws Exception {
        assertThat(probe(List.of(), "fresh", 4)).isEqualTo("RESULT 4 4 4");
    }

    @Test
    void reportsThatItIsTooLateOnceThePoolExistsAndLeavesNoProperty() throws Exception {
        assertThat(probe(List.of(), "touched", 4)).isEqualTo("RESULT 1 1 null");
    }

    @Test
    void anExplicitSettingWins() throws Exception {
        assertThat(probe(List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=3"), "fresh", 4))
                .isEqualTo("RESULT 3 3 3");
    }

    @Test
    void aMinimumBelowOneIsABug() {
        assertThatThrownBy(() -> ClusterMember.raiseCommonPoolParallelism(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("min: 0 (expected: >= 1)");
    }

    private static String probe(List<String> options, String mode, int min) throws Exception {
        List<String> jvm = new ArrayList<>(List.of("-XX:ActiveProcessorCount=2", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto"));
        jvm.addAll(options);
        try (ChildJvm child = ChildJvm.start(List.of(), jvm, CommonPoolProbeMain.class, mode, Integer.toString(min))) {
            return child.awaitLine("RESULT ", Duration.ofSeconds(20));
        }
    }
}
