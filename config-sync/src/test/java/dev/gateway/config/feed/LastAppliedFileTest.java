package dev.gateway.config.feed;

import static dev.gateway.config.feed.ConfigFeedContract.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.config.ConfigCodec;
import dev.gateway.config.SharedConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastAppliedFileTest {
    @TempDir
    Path dir;

    @Test
    void nothingStoredIsEmpty() throws IOException {
        assertThat(new LastAppliedFile(dir.resolve("missing")).load()).isEmpty();
    }

    @Test
    void aSavedVersionComesBackWhole() throws IOException {
        LastAppliedFile file = new LastAppliedFile(dir.resolve("state"));
        ConfigVersion v7 = version(7, "orders");
        file.save(version(6, "old"), null);
        file.save(v7, "ab12");
        assertThat(file.load()).contains(new LastAppliedFile.Stored(v7, "ab12"));
        assertThat(Files.list(dir.resolve("state"))).extracting(p -> p.getFileName().toString())
                .containsExactly("last-applied.json");
    }

    @Test
    void aLiteralDollarBraceSurvivesTheRoundTrip() throws Exception {
        SharedConfig shared = ConfigCodec.parseShared("""
                upstreams:
                  app: {targets: [{url: "http://127.0.0.1:9"}]}
                routes:
                  - id: r
                    match: {path: /a}
                    upstream: app
                    request: {set-headers: {X-Template: "$${not-a-variable}"}}
                """, name -> null);
        ConfigVersion v = ConfigVersion.of(1, shared, "n", 0);
        LastAppliedFile file = new LastAppliedFile(dir);
        file.save(v, null);
        assertThat(file.load()).contains(new LastAppliedFile.Stored(v, null));
    }

    @Test
    void aTamperedFileIsReportedNotLoaded() throws IOException {
        LastAppliedFile file = new LastAppliedFile(dir);
        file.save(version(3, "a"), null);
        String text = Files.readString(file.path()).replace("/a", "/b");
        Files.writeString(file.path(), text);
        assertThatThrownBy(file::load).isInstanceOf(IOException.class).hasMessageContaining("does not match its sha256");
    }

    @Test
    void aFileThatIsNotJsonIsReported() throws IOException {
        LastAppliedFile file = new LastAppliedFile(dir);
        Files.writeString(file.path(), "{ half");
        assertThatThrownBy(file::load).isInstanceOf(IOException.class).hasMessageContaining("not JSON");
        Files.writeString(file.path(), "{\"version\": 1}");
        assertThatThrownBy(file::load).isInstanceOf(IOException.class).hasMessageContaining("expected version");
    }
}
