package dev.gateway.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Dot segments are resolved before routing (RFC 3986 5.2.4, %2e counts as a dot); all else stays as sent. */
class PathNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # raw                         | normalized
              /                           | /
              /a/b                        | /a/b
              /a/b/                       | /a/b/
              /a/./b                      | /a/b
              /a/../b                     | /b
              /api/../admin               | /admin
              /api/v1/../../admin/users   | /admin/users
              /../../etc/passwd           | /etc/passwd
              /..                         | /
              /.                          | /
              /a/b/..                     | /a/
              /a/b/.                      | /a/b/
              /a/%2e%2e/b                 | /b
              /a/%2E%2E/b                 | /b
              /a/.%2e/b                   | /b
              /a/%2e./b                   | /b
              /a/%2e/b                    | /a/b
              /public/%2e%2e/admin        | /admin
              /a/%20b/../c                | /a/c
              /x%20y/./z%2Fw              | /x%20y/z%2Fw
              /a/.hidden/b                | /a/.hidden/b
              /a/..b/c                    | /a/..b/c
              /a/%252e%252e/b             | /a/%252e%252e/b
              /a//b                       | /a//b
            """)
    void resolvesDotSegmentsAndKeepsTheRest(String raw, String normalized) {
        assertThat(PathNormalizer.normalize(raw)).isEqualTo(normalized);
    }

    @ParameterizedTest(name = "''{0}'' is not an origin-form path")
    @NullAndEmptySource
    @ValueSource(strings = {"*", "a/b", "http://example.com/a", "%2Fa", " /a"})
    void rejectsTargetsThatAreNotAbsolutePaths(String raw) {
        assertThat(PathNormalizer.normalize(raw)).isNull();
    }

    @Test
    void leavesAPathWithoutDotSegmentsUntouched() {
        String raw = "/api/v1/users/%E2%82%AC?not-a-query";
        assertThat(PathNormalizer.normalize(raw)).isSameAs(raw);
    }
}
