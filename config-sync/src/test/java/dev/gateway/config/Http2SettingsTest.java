package dev.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** {@code node.http2}: off by default, values with units, errors naming their path, round trip. */
class Http2SettingsTest {
    private static GatewayConfig parse(String yaml) throws ConfigException {
        return ConfigCodec.parse(yaml, name -> null);
    }

    private static String error(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e).as("expected a ConfigException for:\n%s", yaml).isNotNull();
        assertThat(e.errors()).hasSize(1);
        return e.errors().get(0).toString();
    }

    @Test
    void offByDefaultWithTheIssuesLimitsOnceEnabled() throws Exception {
        assertThat(parse("node: {name: a}\n").node().http2()).isEqualTo(Http2Settings.defaults());
        assertThat(NodeSettings.defaults().http2().enabled()).isFalse();
        Http2Settings on = parse("node: {http2: {enabled: true}}\n").node().http2();
        assertThat(on).isEqualTo(new Http2Settings(true, 100, 1 << 20, 16 << 10));
    }

    @Test
    void readsTheDocumentedKeysAndWritesThemBack() throws Exception {
        GatewayConfig config = parse("node:\n  http2: {enabled: true, max-concurrent-streams: 250,"
                + " initial-window: 2MiB, max-header-list: 32KiB}\n");
        assertThat(config.node().http2()).isEqualTo(new Http2Settings(true, 250, 2 << 20, 32 << 10));
        String yaml = ConfigCodec.toYaml(config);
        assertThat(yaml).contains("initial-window: 2MiB").contains("max-header-list: 32KiB");
        assertThat(parse(yaml).node()).isEqualTo(config.node());
    }

    @Test
    void badValuesNameTheirPath() {
        assertThat(error("node: {http2: {max-concurrent-streams: 0}}\n"))
                .isEqualTo("node.http2.max-concurrent-streams: 0 (expected: 1 to 10000)");
        assertThat(error("node: {http2: {initial-window: 1KiB}}\n"))
                .isEqualTo("node.http2.initial-window: 1024 (expected: 64KiB-1 (65535) to 2^31-1 bytes)");
        assertThat(error("node: {http2: {initial-window: 4GiB}}\n"))
                .isEqualTo("node.http2.initial-window: '4GiB' (expected: at most 2147483647 bytes)");
        assertThat(error("node: {http2: {max-header-list: lots}}\n")).startsWith("node.http2.max-header-list: 'lots'");
        assertThat(error("node: {http2: {max-header-list: 2MiB}}\n"))
                .isEqualTo("node.http2.max-header-list: 2097152 (expected: 1KiB to 1MiB)");
        assertThat(error("node: {http2: {enabled: yes-please}}\n")).startsWith("node.http2.enabled:");
        assertThat(error("node: {http2: {streams: 5}}\n")).startsWith("node.http2.streams: unknown key");
    }
}
