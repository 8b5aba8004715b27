package dev.gateway.config.feed;

import static dev.gateway.config.feed.ConfigFeedContract.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigVersionTest {
    @Test
    void theGreaterVersionSupersedesThenTheLaterPublicationThenTheGreaterHash() {
        ConfigVersion v1 = version(1, "a");
        ConfigVersion v2 = version(2, "b");
        assertThat(v2.supersedes(v1)).isTrue();
        assertThat(v1.supersedes(v2)).isFalse();
        assertThat(v1.supersedes(null)).isTrue();
        ConfigVersion early = new ConfigVersion(3, v1.sha256(), v1.text(), "x", 10);
        ConfigVersion late = new ConfigVersion(3, v2.sha256(), v2.text(), "y", 20);
        assertThat(late.supersedes(early)).isTrue();
        assertThat(early.supersedes(late)).isFalse();
        ConfigVersion sameTimeA = new ConfigVersion(3, v1.sha256(), v1.text(), "x", 10);
        ConfigVersion sameTimeB = new ConfigVersion(3, v2.sha256(), v2.text(), "y", 10);
        assertThat(sameTimeA.supersedes(sameTimeB)).isNotEqualTo(sameTimeB.supersedes(sameTimeA));
        assertThat(v1.supersedes(v1)).isFalse();
    }

    @Test
    void equalConfigsHaveEqualHashesWhateverTheirFormatting() {
        assertThat(version(1, "a").sha256()).isEqualTo(version(1, "a").sha256());
        assertThat(version(1, "a").sha256()).isNotEqualTo(version(1, "b").sha256());
        assertThat(version(4, "a").sameAs(version(4, "a"))).isTrue();
        assertThat(version(4, "a").sameAs(version(5, "a"))).isFalse();
        assertThat(version(4, "a").label()).startsWith("v4 (").hasSize(13);
    }

    @Test
    void badFieldsAreRefused() {
        String sha = version(1, "a").sha256();
        assertThatThrownBy(() -> new ConfigVersion(0, sha, "", "n", 0)).hasMessageContaining("version: 0");
        assertThatThrownBy(() -> new ConfigVersion(1, "ABC", "", "n", 0)).hasMessageContaining("sha256");
    }
}
