package dev.gateway.cluster.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.config.feed.ConfigVersion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link ConfigHistory} promises; {@link #history()} is empty at the start of each test. */
abstract class ConfigHistoryContract {
    protected abstract ConfigHistory history();

    /** The same history seen from another node (itself for a process-local one). */
    protected abstract ConfigHistory otherNode();

    static ConfigVersion version(long v) {
        return new ConfigVersion(v, "%064x".formatted(v), "routes: []  # v" + v + "\n", "gw-1 (admin API, 127.0.0.1)",
                1_700_000_000_000L + v);
    }

    private static List<Long> numbers(List<ConfigVersion> versions) {
        return versions.stream().map(ConfigVersion::version).toList();
    }

    @Test
    void recordedVersionsAreSeenNewestFirstFromEveryNodeWithWhoAndWhen() {
        history().record(version(1));
        otherNode().record(version(2));
        history().record(version(2));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(numbers(otherNode().recent())).containsExactly(2L, 1L));
        assertThat(history().recent().get(0)).isEqualTo(version(2));
        assertThat(history().recent().get(1).publishedBy()).isEqualTo("gw-1 (admin API, 127.0.0.1)");
        assertThat(history().recent().get(1).text()).contains("# v1");
    }

    @Test
    void onlyTheLastTwentyAreKept() {
        for (long v = 1; v <= ConfigHistory.KEEP + 5; v++) {
            history().record(version(v));
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Long> kept = numbers(otherNode().recent());
            assertThat(kept).hasSize(ConfigHistory.KEEP);
            assertThat(kept.get(0)).isEqualTo(ConfigHistory.KEEP + 5L);
            assertThat(kept.get(kept.size() - 1)).isEqualTo(6L);
        });
    }
}
