package dev.gateway.node.compression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Matching a response's Content-Type against {@code compression.types}. */
class MediaTypesTest {
    private final MediaTypes types = new MediaTypes(List.of("application/json", "text/*", "image/svg+xml"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "application/json | true",
            "Application/JSON | true",
            "application/json; charset=utf-8 | true",
            "  application/json ;charset=utf-8 | true",
            "application/jsonp | false",
            "application/json-patch+json | false",
            "text/html | true",
            "TEXT/plain;charset=a/b | true",
            "text/ | false",
            "text | false",
            "textual/html | false",
            "text/html/x | false",
            "image/svg+xml | true",
            "image/png | false",
            "'' | false",
    })
    void matchesWithoutParametersAndCase(String contentType, boolean matches) {
        assertThat(types.matches(contentType)).isEqualTo(matches);
    }

    @Test
    void noContentTypeNeverMatches() {
        assertThat(types.matches(null)).isFalse();
    }
}
