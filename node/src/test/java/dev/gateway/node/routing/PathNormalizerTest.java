package dev.gateway.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.config.PathSettings;
import dev.gateway.config.PathSettings.EscapedSlashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 3986 section 6 normalization before routing, one class of input at a time: double slashes, encoded
 * letters, encoded slashes, encoded dots, {@code ..;}, path parameters, double encoding. A row's expected value
 * is the normalized path, or {@code 400: <part of the reason>}.
 */
class PathNormalizerTest {

    private static PathNormalizer normalizer(String settings) {
        return switch (settings) {
            case "reject" -> PathNormalizer.defaults();
            case "keep" -> new PathNormalizer(new PathSettings(true, EscapedSlashes.KEEP));
            case "decode" -> new PathNormalizer(new PathSettings(true, EscapedSlashes.DECODE));
            case "no-merge" -> new PathNormalizer(new PathSettings(false, EscapedSlashes.REJECT));
            default -> throw new IllegalArgumentException(settings);
        };
    }

    @ParameterizedTest(name = "[{0}] {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # settings | raw                         | normalized, or 400: reason
            # -- dot segments
              reject   | /                           | /
              reject   | /a/b                        | /a/b
              reject   | /a/b/                       | /a/b/
              reject   | /a/./b                      | /a/b
              reject   | /a/../b                     | /b
              reject   | /api/../admin               | /admin
              reject   | /api/v1/../../admin/users   | /admin/users
              reject   | /../../etc/passwd           | /etc/passwd
              reject   | /..                         | /
              reject   | /.                          | /
              reject   | /a/b/..                     | /a/
              reject   | /a/b/.                      | /a/b/
              reject   | /a/.hidden/b                | /a/.hidden/b
              reject   | /a/..b/c                    | /a/..b/c
              reject   | /a/.../c                    | /a/.../c
            # -- double slashes
              reject   | /a//b                       | /a/b
              reject   | //a///b//                   | /a/b/
              reject   | //                          | /
              reject   | /a//../b                    | /b
              no-merge | /a//b                       | /a//b
              no-merge | /a//../b                    | /a/b
              no-merge | //                          | //
            # -- encoded letters and other unreserved characters: decoded; other encodings: upper-case hex
              reject   | /%61dmin                    | /admin
              reject   | /%41%42c                    | /ABc
              reject   | /a/%7e%5f%2D%30             | /a/~_-0
              reject   | /a/%c3%a9                   | /a/%C3%A9
              reject   | /a/%20b/../c                | /a/c
              reject   | /x%20y/./z                  | /x%20y/z
              reject   | /a/b%3f                     | /a/b%3F
              reject   | /a/%25                      | /a/%25
            # -- characters a path may not hold: encoded
              reject   | /a^b`c                      | /a%5Eb%60c
              reject   | /a"b<c>                     | /a%22b%3Cc%3E
              reject   | /a#b                        | /a%23b
            # -- encoded dots
              reject   | /a/%2e%2e/b                 | /b
              reject   | /a/%2E%2E/b                 | /b
              reject   | /a/.%2e/b                   | /b
              reject   | /a/%2e./b                   | /b
              reject   | /a/%2e/b                    | /a/b
              reject   | /public/%2e%2e/admin        | /admin
              reject   | /public/%2e%2e%2fadmin      | 400: encoded slash
            # -- encoded slashes and backslashes
              reject   | /a%2Fb                      | 400: encoded slash (%2F)
              reject   | /a%2fb                      | 400: encoded slash (%2F)
              reject   | /a%5Cb                      | 400: encoded backslash (%5C)
              reject   | /a\\b                       | 400: backslash
              keep     | /a%2fb                      | /a%2Fb
              keep     | /a%5cb                      | /a%5Cb
              keep     | /a\\b                       | /a%5Cb
              keep     | /a%2F..%2Fb                 | /a%2F..%2Fb
              keep     | /a/%2e%2e%2Fb               | /a/..%2Fb
              decode   | /a%2Fb                      | /a/b
              decode   | /a%2F..%2Fb                 | /b
              decode   | /a%5Cb                      | /a/b
              decode   | /a\\..\\b                   | /b
              decode   | /a%2F%2Fb                   | /a/b
            # -- path parameters: kept, except on a dot segment
              reject   | /a;v=1/b                    | /a;v=1/b
              reject   | /a/b;jsessionid=x           | /a/b;jsessionid=x
              reject   | /a/%3B../b                  | /a/%3B../b
              reject   | /a/..;/b                    | 400: path parameter on a dot segment
              reject   | /..;x/                      | 400: path parameter on a dot segment
              reject   | /.;/admin                   | 400: path parameter on a dot segment
              reject   | /%2e%2e;/admin              | 400: path parameter on a dot segment
              decode   | /a%2F..;%2Fb                | 400: path parameter on a dot segment
            # -- double encoding: a second decoding must not find a dot, slash or backslash
              reject   | /a/%252e%252e/b             | 400: double-encoded dot
              reject   | /a/%252E                    | 400: double-encoded dot
              reject   | /a/%25252e                  | 400: double-encoded dot
              reject   | /a/%25%32%65                | 400: double-encoded dot
              reject   | /a/%252f                    | 400: double-encoded slash
              reject   | /a/%255c                    | 400: double-encoded slash or backslash
              decode   | /a/%252F                    | 400: double-encoded slash
              keep     | /a/%252f                    | /a/%252f
              keep     | /a/%252e                    | 400: double-encoded dot
              reject   | /a/%2541                    | /a/%2541
            # -- invalid percent-encoding, controls
              reject   | /a%                         | 400: invalid percent-encoding
              reject   | /a%2                        | 400: invalid percent-encoding
              reject   | /a%zz                       | 400: invalid percent-encoding
              reject   | /a%g0/b                     | 400: invalid percent-encoding
              reject   | /a b                        | 400: control character or space
            """)
    void normalizesOrRefuses(String settings, String raw, String expected) {
        PathNormalizer normalizer = normalizer(settings);
        String input = raw.replace("\\\\", "\\");
        if (expected.startsWith("400: ")) {
            assertThat(normalizer.normalize(input)).as("normalized").isNull();
            assertThat(normalizer.refusal(input)).contains(expected.substring(5));
        } else {
            assertThat(normalizer.normalize(input)).isEqualTo(expected);
            assertThat(normalizer.refusal(input)).isNull();
        }
    }

    @Test
    void bytesAboveAsciiArePercentEncodedOneByOne() {
        assertThat(PathNormalizer.defaults().normalize("/caf\u00e9")).isEqualTo("/caf%E9");
        assertThat(PathNormalizer.defaults().normalize("/\u20ac")).isEqualTo("/%E2%82%AC");
        assertThat(PathNormalizer.defaults().normalize("/a|b{c}")).isEqualTo("/a%7Cb%7Bc%7D");
    }

    @ParameterizedTest(name = "{0} without parameters is {1}")
    @CsvSource({"/a;v=1/b;x, /a/b", "/a/b, /a/b", "/;x/, //", "/a;, /a", "/admin;x=1/secret, /admin/secret"})
    void pathParametersAreLeftOutAsTomcatAndSpringDo(String path, String bare) {
        assertThat(PathNormalizer.withoutParameters(path)).isEqualTo(bare);
    }

    @ParameterizedTest(name = "''{0}'' is not an origin-form path")
    @NullAndEmptySource
    @ValueSource(strings = {"*", "a/b", "http://example.com/a", "%2Fa", " /a"})
    void refusesTargetsThatAreNotAbsolutePaths(String raw) {
        assertThat(PathNormalizer.defaults().normalize(raw)).isNull();
        assertThat(PathNormalizer.defaults().refusal(raw)).isEqualTo("request target must be an absolute path");
    }

    @Test
    void leavesAPathThatNeedsNoChangeUntouched() {
        String raw = "/api/v1/users/42;v=1/x.json";
        assertThat(PathNormalizer.defaults().normalize(raw)).isSameAs(raw);
    }
}
