package dev.gateway.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.config.PathSettings;
import dev.gateway.config.PathSettings.EscapedSlashes;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of {@link PathNormalizer} over generated paths: built from the pieces attackers combine (dot
 * segments, encoded dots and slashes, backslashes, path parameters, double encoding, bad escapes, controls)
 * and from arbitrary strings. Tries are kept moderate for CI.
 */
class PathNormalizerPropertiesTest {
    private static final List<String> PIECES = List.of("/", "/", "//", ".", "..", "%2e", "%2E", ".%2e", "%2f", "%2F",
            "%5c", "%5C", "\\", ";", "..;", ";x=1", "%3b", "%25", "%252e", "%252f", "%25252E", "%2525", "a", "B", "%61",
            "%7E", "~", "%c3%a9", "\u00e9", "\u20ac", "%", "%2", "%zz", "%0d%0a", "\r", "\n", "\u0000", " ", "?", "#",
            "|", "@", ":", "%00", "%2e%2e", "%2E%2e%2F");

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> pieces = Arbitraries.of(PIECES).list().ofMaxSize(14).map(l -> "/" + String.join("", l));
        Arbitrary<String> anyAfterSlash = Arbitraries.strings().ofMaxLength(24).map(s -> "/" + s);
        Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(24).map(s -> "/" + s);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, pieces), net.jqwik.api.Tuple.of(2, ascii),
                net.jqwik.api.Tuple.of(1, anyAfterSlash), net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(12)));
    }

    @Provide
    Arbitrary<PathNormalizer> normalizers() {
        return Arbitraries.of(true, false).flatMap(merge -> Arbitraries.of(EscapedSlashes.values())
                .map(escaped -> new PathNormalizer(new PathSettings(merge, escaped))));
    }

    @Property(tries = 1500)
    void normalizingTwiceChangesNothing(@ForAll("paths") String raw, @ForAll("normalizers") PathNormalizer normalizer) {
        String once = normalizer.normalize(raw);
        if (once != null) {
            assertThat(normalizer.normalize(once)).as("normalize(%s) of %s", once, raw).isEqualTo(once);
        }
    }

    @Property(tries = 1500)
    void everyInputIsEitherAPathOrARefusalAndNeverThrows(@ForAll("paths") String raw,
                                                         @ForAll("normalizers") PathNormalizer normalizer) {
        String path = normalizer.normalize(raw);
        String refusal = normalizer.refusal(raw);
        assertThat(path == null).as("refused %s: %s", raw, refusal).isEqualTo(refusal != null);
        if (path != null) {
            assertThat(path).startsWith("/").matches("[A-Za-z0-9\\-._~!$&'()*+,;=:@/%]*");
            assertThat(path).doesNotContain("\r", "\n").doesNotContainPattern("%[0-9A-F]?[a-f]");
            assertThat(path.split("/", -1)).as("segments of %s", path).doesNotContain(".", "..");
        } else {
            assertThat(refusal).isNotBlank().doesNotContain("\r", "\n");
        }
    }

    /** No input reaches the upstream as a path that a second decoding reads with other separators or dots. */
    @Property(tries = 1500)
    void aSecondDecodingFindsNoNewDotSegmentOrSlash(@ForAll("paths") String raw) {
        String path = PathNormalizer.defaults().normalize(raw);
        if (path != null) {
            String decodedOnce = path.replaceAll("%25", "%");
            assertThat(decodedOnce.toUpperCase()).doesNotContain("%2E", "%2F", "%5C");
        }
    }
}
