package dev.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden files: {@code golden/<name>.yaml} parses, and its canonical YAML equals {@code golden/<name>.expected.yaml}.
 * Regenerate with {@code mvn -pl config-sync test -Dgolden.update=true} and review the diff before committing.
 */
class GoldenFileTest {
    static final Map<String, String> ENV = Map.of(
            "GW_ADMIN_TOKEN", "admin-token-for-tests",
            "INTROSPECTION_SECRET", "introspection-secret-for-tests");

    @ParameterizedTest
    @ValueSource(strings = {"full", "minimal", "json-input"})
    void canonicalFormMatchesGoldenFile(String name) throws Exception {
        GatewayConfig config = ConfigCodec.parse(resource(name + ".yaml"), ENV::get);
        String yaml = ConfigCodec.toYaml(config);
        Path expected = Path.of("src/test/resources/golden", name + ".expected.yaml");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, yaml, StandardCharsets.UTF_8);
        }
        assertThat(expected).exists();
        assertThat(yaml).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "minimal", "json-input"})
    void canonicalFormRoundTrips(String name) throws Exception {
        GatewayConfig config = ConfigCodec.parse(resource(name + ".yaml"), ENV::get);
        assertThat(ConfigCodec.parse(ConfigCodec.toYaml(config), v -> null)).isEqualTo(config);
        assertThat(ConfigCodec.parse(ConfigCodec.toJson(config), v -> null)).isEqualTo(config);
        SharedConfig shared = config.shared();
        assertThat(ConfigCodec.parseShared(ConfigCodec.toYaml(shared), v -> null)).isEqualTo(shared);
        assertThat(ConfigCodec.sha256(ConfigCodec.parseShared(ConfigCodec.toJson(shared), v -> null)))
                .isEqualTo(ConfigCodec.sha256(shared)).hasSize(64);
    }

    static String resource(String name) throws IOException {
        try (InputStream in = GoldenFileTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                return "";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
