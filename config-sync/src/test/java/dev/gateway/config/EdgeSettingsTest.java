package dev.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** {@code node.paths} and {@code node.tls.redirect-host}: defaults, values, errors with their paths, round trip. */
class EdgeSettingsTest {
    private static final String TLS = "node:\n  tls:\n    listen: 127.0.0.1:8443\n"
            + "    certificates: [{cert: c.pem, key: k.pem}]\n";

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
    void pathsDefaultToMergingSlashesAndRejectingEscapedOnes() throws Exception {
        assertThat(parse("node: {name: a}\n").node().paths()).isEqualTo(PathSettings.defaults());
        assertThat(parse("node: {paths: {}}\n").node().paths())
                .isEqualTo(new PathSettings(true, PathSettings.EscapedSlashes.REJECT));
        assertThat(NodeSettings.defaults().paths()).isEqualTo(PathSettings.defaults());
    }

    @Test
    void pathsAreReadAndWrittenBack() throws Exception {
        for (String mode : new String[] {"reject", "keep", "decode"}) {
            GatewayConfig config = parse("node: {paths: {merge-slashes: false, escaped-slashes: " + mode + "}}\n");
            assertThat(config.node().paths().mergeSlashes()).isFalse();
            assertThat(config.node().paths().escapedSlashes().configName()).isEqualTo(mode);
            assertThat(parse(ConfigCodec.toYaml(config)).node()).isEqualTo(config.node());
        }
    }

    @Test
    void badPathSettingsNameTheirPath() {
        assertThat(error("node: {paths: {escaped-slashes: maybe}}\n"))
                .isEqualTo("node.paths.escaped-slashes: 'maybe' (expected: reject, keep or decode)");
        assertThat(error("node: {paths: {merge-slashes: 2}}\n"))
                .isEqualTo("node.paths.merge-slashes: 2 (expected: true or false)");
        assertThat(error("node: {paths: {merge: true}}\n")).startsWith("node.paths.merge: unknown key");
    }

    @Test
    void redirectHostIsOptionalAndRoundTrips() throws Exception {
        assertThat(parse(TLS).node().tls().redirectHost()).isNull();
        GatewayConfig config = parse(TLS + "    redirect-host: api.example.com:443\n");
        assertThat(config.node().tls().redirectHost()).isEqualTo("api.example.com:443");
        assertThat(parse(ConfigCodec.toYaml(config)).node()).isEqualTo(config.node());
    }

    @Test
    void aRedirectHostThatIsNotAHostIsAnError() {
        assertThat(error(TLS + "    redirect-host: \"evil.example/x\"\n")).startsWith(
                "node.tls.redirect-host: 'evil.example/x' (expected: a host name or IP literal");
        assertThat(error(TLS + "    redirect-host: \"user@api.example.com\"\n"))
                .startsWith("node.tls.redirect-host: 'user@api.example.com'");
    }
}
