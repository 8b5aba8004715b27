package dev.gateway.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.config.Rewrite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Path rewrites in their documented order: strip-prefix, then regex replacement, then add-prefix. */
class RewriterTest {

    @ParameterizedTest(name = "strip /api/v1: {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
              /api/v1/users        | /users
              /api/v1/users/7/x    | /users/7/x
              /api/v1              | /
              /api/v1/             | /
              /api/v1x/users       | /api/v1x/users
              /other/api/v1/users  | /other/api/v1/users
              /api                 | /api
            """)
    void stripPrefix(String path, String expected) {
        assertThat(rewriter("/api/v1", null, null, null).apply(path)).isEqualTo(expected);
    }

    @Test
    void stripPrefixWithATrailingSlashStripsTheSame() {
        Rewriter withSlash = rewriter("/api/v1/", null, null, null);

        assertThat(withSlash.apply("/api/v1/users")).isEqualTo("/users");
        assertThat(withSlash.apply("/api/v1")).isEqualTo("/");
    }

    @ParameterizedTest(name = "add /v2: {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
              /users       | /v2/users
              /            | /v2/
              /a/b         | /v2/a/b
            """)
    void addPrefix(String path, String expected) {
        assertThat(rewriter(null, "/v2", null, null).apply(path)).isEqualTo(expected);
    }

    @Test
    void addPrefixWithATrailingSlashDoesNotDoubleTheSlash() {
        assertThat(rewriter(null, "/v2/", null, null).apply("/users")).isEqualTo("/v2/users");
    }

    @ParameterizedTest(name = "{0} =~ s/{1}/{2}/: {3} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            # regex                    | replacement         | path              | expected
              ^/users/([0-9]+)$        | /people/$1          | /users/42         | /people/42
              ^/users/([0-9]+)$        | /people/$1          | /users/abc        | /users/abc
              ^/([^/]+)/([^/]+)$       | /$2/$1              | /a/b              | /b/a
              ^/old/(.*)$              | new/$1              | /old/x/y          | /new/x/y
              ^/(?<svc>[a-z]+)/v1/     | /${svc}/            | /orders/v1/list   | /orders/list
              /tmp                     | /cache              | /tmp/tmp/x        | /cache/tmp/x
              ^/drop.*$                | ''                  | /drop/everything  | /
            """)
    void regexWithGroups(String regex, String replacement, String path, String expected) {
        assertThat(rewriter(null, null, regex, replacement).apply(path)).isEqualTo(expected);
    }

    @Test
    void combinedRewritesApplyStripThenRegexThenAdd() {
        Rewriter combined = rewriter("/api", "/internal", "^/v1/(.*)$", "/$1");

        assertThat(combined.apply("/api/v1/users")).isEqualTo("/internal/users");
        assertThat(combined.apply("/api/v2/users")).isEqualTo("/internal/v2/users");
        assertThat(combined.apply("/other/v1/users")).isEqualTo("/internal/other/v1/users");
    }

    @Test
    void strippingEverythingLeavesTheRoot() {
        assertThat(rewriter("/api", null, null, null).apply("/api")).isEqualTo("/");
        assertThat(rewriter("/api", "/svc", null, null).apply("/api")).isEqualTo("/svc");
        assertThat(rewriter("/api", null, "^/$", "").apply("/api/")).isEqualTo("/");
    }

    @Test
    void noRewriteConfiguredIsNoRewriter() {
        assertThat(Rewriter.of(null)).isNull();
    }

    private static Rewriter rewriter(String strip, String add, String regex, String replacement) {
        return Rewriter.of(new Rewrite(strip, add, regex, replacement));
    }
}
