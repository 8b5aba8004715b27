package dev.gateway.node.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LineDiffTest {
    private static List<String> diff(String a, String b) {
        return LineDiff.of(a, b).stream().map(l -> l.op() + l.text()).toList();
    }

    @Test
    void keptRemovedAndAddedLinesInOrder() {
        assertThat(diff("a\nb\nc\nd", "a\nc\nx\nd")).containsExactly(" a", "-b", " c", "+x", " d");
    }

    @Test
    void equalTextsHaveOnlyKeptLines() {
        assertThat(diff("routes: []\n", "routes: []\n")).allMatch(l -> l.startsWith(" "));
    }

    @Test
    void aChangedLineIsARemovalAndAnAddition() {
        assertThat(diff("limit: 10", "limit: 20")).containsExactly("-limit: 10", "+limit: 20");
    }

    @Test
    void hugeTextsAreRefused() {
        String big = "x\n".repeat(LineDiff.MAX_LINES + 1);
        assertThatThrownBy(() -> LineDiff.of(big, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
