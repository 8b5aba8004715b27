package dev.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records built in code are checked like parsed ones, and keep file order. */
class SharedConfigTest {
    private static final UpstreamConfig UPSTREAM = new UpstreamConfig(List.of(Target.of("http://127.0.0.1:1", 1)),
            Balancing.ROUND_ROBIN, PoolConfig.defaults(), Timeouts.defaults(), null, null, null, null, null);

    private static RouteConfig route(String id, String upstream) {
        return new RouteConfig(id, RouteMatch.path(PathPattern.parse("/" + id)), upstream, null, List.of(), List.of(),
                RequestTransform.none(), ResponseTransform.none(), null, null, null, Map.of(), false);
    }

    @Test
    void constructorChecksCrossReferences() {
        assertThatThrownBy(() -> new SharedConfig(Map.of("users", UPSTREAM), Map.of(), null, Map.of(),
                List.of(route("a", "users"), route("b", "ordrs")), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("routes[1].upstream: 'ordrs' is not a defined upstream (expected one of: users)");
    }

    @Test
    void defaultsAndOrder() throws ConfigException {
        Map<String, UpstreamConfig> ups = new LinkedHashMap<>();
        for (String n : List.of("zeta", "alpha", "mid")) {
            ups.put(n, UPSTREAM);
        }
        SharedConfig s = new SharedConfig(ups, null, null, null, List.of(route("a", "mid")), null);
        assertThat(s.upstreams().keySet()).containsExactly("zeta", "alpha", "mid");
        assertThat(s.auth().isEmpty()).isTrue();
        assertThat(s.observability()).isEqualTo(ObservabilityConfig.defaults());
        assertThat(ConfigCodec.parseShared(ConfigCodec.toYaml(s), n -> null)).isEqualTo(s);
        assertThat(ConfigCodec.toYaml(s)).containsSubsequence("zeta:", "alpha:", "mid:");
        assertThatThrownBy(() -> s.upstreams().put("x", UPSTREAM)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void hashFollowsContent() {
        SharedConfig a = new SharedConfig(Map.of("users", UPSTREAM), null, null, null, List.of(route("a", "users")), null);
        SharedConfig b = new SharedConfig(Map.of("users", UPSTREAM), null, null, null, List.of(route("b", "users")), null);
        assertThat(ConfigCodec.sha256(a)).isEqualTo(ConfigCodec.sha256(
                new SharedConfig(Map.of("users", UPSTREAM), null, null, null, List.of(route("a", "users")), null)));
        assertThat(ConfigCodec.sha256(a)).isNotEqualTo(ConfigCodec.sha256(b)).matches("[0-9a-f]{64}");
        assertThat(SharedConfig.empty().routes()).isEmpty();
    }
}
