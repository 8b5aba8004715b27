package dev.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parse and toString of the small value types, in config syntax. */
class ValueSyntaxTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:8080", "localhost:80", "[::1]:8080", "0.0.0.0:0", "gw.example.com:65535"})
    void hostPortRoundTrips(String text) {
        assertThat(HostPort.parse(text).toString()).isEqualTo(text);
    }

    @Test
    void hostPortParts() {
        assertThat(HostPort.parse("[::1]:8080")).isEqualTo(new HostPort("::1", 8080));
        assertThat(HostPort.parse("127.0.0.1:0").port()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1:", ":80", "h:65536", "h:-1", "h:8o", "::1:80", "[::1]80", "a b:1", ""})
    void hostPortRejects(String text) {
        assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0B", "1B", "1023B", "1KiB", "1537B", "16MiB", "3GiB", "1025KiB"})
    void sizesRoundTrip(String text) {
        assertThat(Sizes.format(Sizes.parse(text))).isEqualTo(text);
    }

    @Test
    void sizeUnits() {
        assertThat(Sizes.parse("16MiB")).isEqualTo(16L * 1024 * 1024);
        assertThat(Sizes.parse("2048")).isEqualTo(2048);
        assertThat(Sizes.parse("2KiB")).isEqualTo(2048);
        assertThat(Sizes.format(2048)).isEqualTo("2KiB");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "16 MiB", "16MB", "16mib", "-1", "1.5MiB", "MiB", "99999999999999999GiB"})
    void sizeRejects(String text) {
        assertThatThrownBy(() -> Sizes.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a size (expected: bytes, or e.g. 512KiB, 16MiB, 1GiB)");
    }

    @Test
    void pathPatternKinds() {
        PathPattern prefix = PathPattern.parse("/api/v1/users/**");
        assertThat(prefix).isEqualTo(new PathPattern(PathPattern.Kind.PREFIX, "/api/v1/users"));
        assertThat(prefix.matches("/api/v1/users")).isTrue();
        assertThat(prefix.matches("/api/v1/users/7")).isTrue();
        assertThat(prefix.matches("/api/v1/usersX")).isFalse();
        assertThat(prefix.toString()).isEqualTo("/api/v1/users/**");

        PathPattern all = PathPattern.parse("/**");
        assertThat(all).isEqualTo(new PathPattern(PathPattern.Kind.PREFIX, ""));
        assertThat(all.matches("/")).isTrue();
        assertThat(all.matches("/anything/at/all")).isTrue();
        assertThat(all.toString()).isEqualTo("/**");

        PathPattern regex = PathPattern.parse("~^/users/[0-9]+$");
        assertThat(regex.kind()).isEqualTo(PathPattern.Kind.REGEX);
        assertThat(regex.regex().matcher("/users/42").find()).isTrue();
        assertThat(regex.matches("/users/x")).isFalse();
        assertThat(regex.toString()).isEqualTo("~^/users/[0-9]+$");

        PathPattern exact = PathPattern.parse("/health");
        assertThat(exact.kind()).isEqualTo(PathPattern.Kind.EXACT);
        assertThat(exact.matches("/health")).isTrue();
        assertThat(exact.matches("/health/")).isFalse();
        assertThat(exact.toString()).isEqualTo("/health");
    }

    @ParameterizedTest
    @ValueSource(strings = {"health", "", "~(", "/a/**/b", "/a//**", "/with space"})
    void pathPatternRejects(String text) {
        assertThatThrownBy(() -> PathPattern.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("path: ");
    }

    @Test
    void durations() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(Durations.format(Duration.ofMillis(60_000))).isEqualTo("1m");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofHours(48))).isEqualTo("2d");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        for (Duration d : List.of(Duration.ofNanos(1), Duration.ofNanos(1500), Duration.ofMillis(1001),
                Duration.ofMinutes(61), Duration.ofDays(3))) {
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"5x", "", "1", "s", "1.5s", "-1s", "30s1m", "1s1s", "1 s", "99999999999999999999d"})
    void durationsReject(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration (expected: e.g. 250ms, 2s, 1m, 1h, 1d)");
    }

    @Test
    void percent() {
        assertThat(Percent.parse("50%")).isEqualTo(new Percent(50));
        assertThat(Percent.parse("50")).isEqualTo(new Percent(50));
        assertThat(Percent.parse("12.5%").toString()).isEqualTo("12.5%");
        assertThat(new Percent(20).toString()).isEqualTo("20%");
        assertThat(new Percent(0).toString()).isEqualTo("0%");
        assertThat(new Percent(100).fraction()).isEqualTo(1.0);
        for (String bad : List.of("150%", "-1%", "abc", "%", "NaN", "5.%")) {
            assertThatThrownBy(() -> Percent.parse(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"round-robin", "least-connections", "ip-hash", "consistent-hash:header:X-User", "random"})
    void balancingRoundTrips(String text) {
        assertThat(Balancing.parse(text).toString()).isEqualTo(text);
    }

    @Test
    void balancingParts() {
        assertThat(Balancing.parse("consistent-hash:header:X-User"))
                .isEqualTo(new Balancing(Balancing.Kind.CONSISTENT_HASH, "X-User"));
        assertThat(Balancing.parse("round-robin").hashHeader()).isNull();
        for (String bad : List.of("ROUND_ROBIN", "consistent-hash", "consistent-hash:header:", "hash", "")) {
            assertThatThrownBy(() -> Balancing.parse(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rateLimitKey() {
        assertThat(RateLimitKey.parse("consumer")).isEqualTo(RateLimitKey.CONSUMER);
        assertThat(RateLimitKey.parse("header:X-Tenant").parts()).containsExactly("header:X-Tenant");
        RateLimitKey two = RateLimitKey.parse("[consumer, route]");
        assertThat(two.parts()).containsExactly("consumer", "route");
        assertThat(two.toString()).isEqualTo("[consumer, route]");
        assertThat(RateLimitKey.parse("ip").toString()).isEqualTo("ip");
        for (String bad : List.of("user", "header:", "[]", "[ip, ip]", "header:Bad Name")) {
            assertThatThrownBy(() -> RateLimitKey.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("key: ");
        }
    }

    @Test
    void targetHelpers() {
        Target t = Target.of("http://127.0.0.1:9001/base/", 1);
        assertThat(t.host()).isEqualTo("127.0.0.1");
        assertThat(t.port()).isEqualTo(9001);
        assertThat(t.tls()).isFalse();
        assertThat(t.basePath()).isEqualTo("/base");
        Target s = Target.of("https://api.example.com", 2);
        assertThat(s.port()).isEqualTo(443);
        assertThat(s.tls()).isTrue();
        assertThat(s.basePath()).isEmpty();
        assertThat(Target.of("http://h/", 1).basePath()).isEmpty();
        assertThat(Target.of("http://h", 1).port()).isEqualTo(80);
    }

    @Test
    void recordsRejectWithFieldValueExpected() {
        assertThatThrownBy(() -> new PoolConfig(0, Duration.ofSeconds(1)))
                .hasMessage("maxConnections: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new HostPort("h", 70000)).hasMessage("port: 70000 (expected: 0..65535)");
    }

    @Test
    void secretsStayOutOfToString() {
        var admin = new AdminSettings(AdminSettings.DEFAULT_LISTEN, "s3cret-token");
        assertThat(admin.toString()).doesNotContain("s3cret");
        var provider = new IntrospectionProvider("corp", java.net.URI.create("http://h/i"), "c", "s3cret",
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(provider.toString()).doesNotContain("s3cret");
    }
}
