package dev.gateway.chaos.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The public image when the engine has it or pulls it, else the local base; against an in-memory engine. */
class ImageChoiceTest {
    private static final String PUBLIC = "eclipse-temurin:17-jre";
    private static final String LOCAL = "gateway-base:bookworm";

    /** An engine holding {@code present}; a pull of an image in {@code pullable} succeeds and adds it. */
    private static final class FakeImages implements ImageChoice.Images {
        final Set<String> present = new HashSet<>();
        final Set<String> pullable = new HashSet<>();
        final List<String> pulls = new ArrayList<>();

        @Override
        public boolean present(String image) {
            return present.contains(image);
        }

        @Override
        public boolean pull(String image, Duration timeout) {
            pulls.add(image);
            if (pullable.contains(image)) {
                present.add(image);
                return true;
            }
            return false;
        }
    }

    private final FakeImages engine = new FakeImages();
    private final List<String> log = new ArrayList<>();

    private String choose(boolean pulls) {
        return new ImageChoice(engine, Duration.ofSeconds(1), pulls, log::add).choose(PUBLIC, LOCAL);
    }

    @Test
    void aPublicImageTheEngineHasIsUsedWithoutAPull() {
        engine.present.add(PUBLIC);

        assertThat(choose(true)).isEqualTo(PUBLIC);
        assertThat(engine.pulls).isEmpty();
    }

    @Test
    void aPublicImageThatCanBePulledIsPulledAndUsed() {
        engine.pullable.add(PUBLIC);

        assertThat(choose(true)).isEqualTo(PUBLIC);
        assertThat(engine.pulls).containsExactly(PUBLIC);
    }

    @Test
    void withoutARegistryTheLocalBaseIsUsedAndTheLogSaysWhy() {
        engine.present.add(LOCAL);

        assertThat(choose(true)).isEqualTo(LOCAL);
        assertThat(engine.pulls).containsExactly(PUBLIC);
        assertThat(log).singleElement().asString().contains("not pulled").endsWith("using " + LOCAL);
    }

    @Test
    void withPullsOffNothingIsPulled() {
        engine.pullable.add(PUBLIC);

        assertThat(choose(false)).isEqualTo(LOCAL);
        assertThat(engine.pulls).isEmpty();
    }
}
