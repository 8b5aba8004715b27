package dev.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every error a user can make is reported with its path, all of them at once. */
class ConfigErrorsTest {
    private static final String UPSTREAM = "upstreams:\n  users: {targets: [{url: http://127.0.0.1:9001}]}\n";

    private static List<String> errors(String yaml) {
        return errors(yaml, name -> null);
    }

    private static List<String> errors(String yaml, Function<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigCodec.parse(yaml, env));
        assertThat(e).as("expected a ConfigException for:\n%s", yaml).isNotNull();
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.errors().stream().map(ConfigError::toString).toList()));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    private static GatewayConfig parses(String yaml) {
        try {
            return ConfigCodec.parse(yaml, name -> null);
        } catch (ConfigException e) {
            throw new AssertionError("expected to parse:\n" + yaml + "\n" + e.getMessage(), e);
        }
    }

    private static String route(String body) {
        return UPSTREAM + "routes:\n  - {id: r, match: {path: /r}, upstream: users}\n  - " + body + "\n";
    }

    @Test
    void unknownKey() {
        assertThat(errors(UPSTREAM.replace("targets:", "timout: 1s, targets:"))).containsExactly(
                "upstreams.users.timout: unknown key (expected one of: targets, balancing, pool, timeouts, health, "
                        + "tls, circuit-breaker, retries, hedging, dns-refresh, protocol)");
        assertThat(errors("nodes: {}\n")).singleElement().asString().startsWith("nodes: unknown key");
    }

    @Test
    void wrongType() {
        assertThat(errors("node: {limits: {max-header-bytes: abc}}\n"))
                .containsExactly("node.limits.max-header-bytes: 'abc' (expected: an integer)");
        assertThat(errors(UPSTREAM + "routes: {id: r}\n")).containsExactly("routes: an object (expected: a list)");
        assertThat(errors(route("{id: x, match: {path: /x}, upstream: users, preserve-host: maybe}")))
                .containsExactly("routes[1].preserve-host: 'maybe' (expected: true or false)");
    }

    @Test
    void upstreamProtocol() {
        assertThat(errors(UPSTREAM.replace("targets:", "protocol: h3, targets:"))).containsExactly(
                "upstreams.users.protocol: 'h3' (expected: http1, h2c, h2)");
        assertThat(errors(UPSTREAM.replace("targets:", "protocol: h2c, targets:").replace("http:", "https:")))
                .containsExactly("upstreams.users.protocol: h2c (expected: http1 or h2 for https targets)");
        assertThat(errors(UPSTREAM.replace("targets:", "protocol: h2, targets:"))).containsExactly(
                "upstreams.users.protocol: h2 (expected: h2c or http1 for http targets)");
        assertThat(parses(UPSTREAM.replace("targets:", "protocol: h2c, targets:")).shared().upstreams().get("users").protocol())
                .isEqualTo(UpstreamProtocol.H2C);
        assertThat(parses(UPSTREAM).shared().upstreams().get("users").protocol()).isEqualTo(UpstreamProtocol.HTTP1);
    }

    @Test
    void badDuration() {
        assertThat(errors(UPSTREAM.replace("targets:", "timeouts: {connect: 5x}, targets:"))).containsExactly(
                "upstreams.users.timeouts.connect: '5x' is not a duration (expected: e.g. 250ms, 2s, 1m, 1h, 1d)");
    }

    @Test
    void dnsRefreshMaxLifetimeAndAccessLogQueueBound() {
        assertThat(errors(UPSTREAM.replace("targets:", "dns-refresh: soon, targets:"))).containsExactly(
                "upstreams.users.dns-refresh: 'soon' is not a duration (expected: e.g. 250ms, 2s, 1m, 1h, 1d)");
        assertThat(errors(UPSTREAM.replace("targets:", "dns-refresh: 0, targets:"))).containsExactly(
                "upstreams.users.dns-refresh: 0s (expected: > 0)");
        assertThat(errors(UPSTREAM.replace("targets:", "pool: {max-lifetime: 0}, targets:"))).containsExactly(
                "upstreams.users.pool.max-lifetime: 0s (expected: > 0)");
        assertThat(errors(UPSTREAM + "observability: {access-log: {max-queue-bytes: 16MB}}\n")).containsExactly(
                "observability.access-log.max-queue-bytes: '16MB' is not a size (expected: bytes, or e.g. 512KiB, "
                        + "16MiB, 1GiB)");
        assertThat(errors(UPSTREAM + "observability: {access-log: {max-queue-bytes: 100}}\n")).containsExactly(
                "observability.access-log.max-queue-bytes: 100 (expected: >= 1KiB)");
    }

    @Test
    void undefinedUpstream() {
        assertThat(errors(route("{id: x, match: {path: /x}, upstream: ordrs}")))
                .containsExactly("routes[1].upstream: 'ordrs' is not a defined upstream (expected one of: users)");
        assertThat(errors(route("{id: x, match: {path: /x}, aggregate: {a: {upstream: nope, path: /a}}}")))
                .containsExactly("routes[1].aggregate.a.upstream: 'nope' is not a defined upstream "
                        + "(expected one of: users)");
    }

    @Test
    void undefinedRateLimitPolicy() {
        assertThat(errors(route("{id: x, match: {path: /x}, upstream: users, rate-limits: [per-user]}")))
                .containsExactly("routes[1].rate-limits[0]: 'per-user' is not a defined rate-limit policy "
                        + "(none are defined)");
    }

    @Test
    void undefinedAuthProvider() {
        assertThat(errors(route("{id: x, match: {path: /x}, upstream: users, auth: [jwt:main, api-key]}")))
                .containsExactly(
                        "routes[1].auth[0]: 'main' is not a defined jwt provider (none are defined)",
                        "routes[1].auth[1]: 'api-key' is not configured (expected: an auth.api-key section)");
        assertThat(errors(route("{id: x, match: {path: /x}, upstream: users, auth: [basic]}")))
                .containsExactly("routes[1].auth: 'basic' (expected: api-key, jwt:<id> or introspection:<id>)");
    }

    @Test
    void missingEnvironmentVariable() {
        assertThat(errors("node: {admin: {token: '${GW_ADMIN_TOKEN}'}}\n"))
                .containsExactly("node.admin.token: environment variable GW_ADMIN_TOKEN is not set");
    }

    @Test
    void emptyAdminToken() {
        assertThat(errors("node: {admin: {token: '${GW_ADMIN_TOKEN}'}}\n", Map.of("GW_ADMIN_TOKEN", "")::get))
                .containsExactly("node.admin.token: is empty (a set but empty environment variable?); "
                        + "leave the key out for no token");
        assertThat(errors("node: {admin: {token: '  '}}\n"))
                .containsExactly("node.admin.token: is empty (a set but empty environment variable?); "
                        + "leave the key out for no token");
    }

    @Test
    void environmentVariablesDefaultsAndEscapes() throws ConfigException {
        String yaml = "node: {name: '${NAME}', listen: '${HOST:-127.0.0.1}:${PORT:-8081}', "
                + "admin: {token: 'a$${b}${EMPTY:-}'}}\n";
        GatewayConfig c = ConfigCodec.parse(yaml, Map.of("NAME", "gw-7", "PORT", "9000")::get);
        assertThat(c.node().name()).isEqualTo("gw-7");
        assertThat(c.node().listen()).isEqualTo(new HostPort("127.0.0.1", 9000));
        assertThat(c.node().admin().token()).isEqualTo("a${b}");
    }

    @Test
    void duplicateRouteId() {
        assertThat(errors(route("{id: r, match: {path: /x}, upstream: users}")))
                .containsExactly("routes[1].id: 'r' is already the id of routes[0]");
    }

    @Test
    void duplicateYamlKey() {
        assertThat(errors(UPSTREAM + "upstreams: {}\n")).singleElement().asString()
                .startsWith("upstreams: duplicate key at line 3");
        assertThat(errors("{\"node\": {\"name\": \"a\", \"name\": \"b\"}}")).singleElement().asString()
                .startsWith("node.name: duplicate key at line 1");
    }

    @Test
    void invalidRegex() {
        assertThat(errors(route("{id: x, match: {path: '~^/users/[0-9+$'}, upstream: users}"))).containsExactly(
                "routes[1].match.path: '~^/users/[0-9+$' (expected: a valid regex: Unclosed character class "
                        + "near index 13)");
        assertThat(errors(route("{id: x, match: {path: /x}, upstream: users, rewrite: {regex: '(', replacement: y}}")))
                .singleElement().asString().startsWith("routes[1].rewrite.regex: '(' (expected: a valid regex");
    }

    @Test
    void badUrl() {
        assertThat(errors("upstreams:\n  users: {targets: [{url: 'ftp://x'}]}\n")).containsExactly(
                "upstreams.users.targets[0].url: 'ftp://x' (expected: http(s)://host[:port][/base-path] "
                        + "without query or fragment)");
        assertThat(errors("upstreams:\n  users: {targets: [{url: 'http://h/p?q=1'}]}\n")).hasSize(1);
        assertThat(errors("upstreams:\n  users: {targets: [{url: 'http://h o'}]}\n")).hasSize(1);
    }

    @Test
    void missingRequiredFields() {
        assertThat(errors("upstreams:\n  users: {balancing: random}\n"))
                .containsExactly("upstreams.users.targets: is required");
        assertThat(errors(UPSTREAM + "routes:\n  - {upstream: users}\n"))
                .containsExactly("routes[0].id: is required", "routes[0].match: is required");
        assertThat(errors(UPSTREAM + "routes:\n  - {id: x, match: {path: /x}}\n"))
                .containsExactly("routes[0]: expected exactly one of: upstream, aggregate");
    }

    @Test
    void severalErrorsAllReportedWithTheirPaths() {
        String yaml = """
                node:
                  listen: localhost
                  extra: 1
                upstreams:
                  users:
                    targets: [{url: http://127.0.0.1:1, weight: 0}]
                    timeouts: {connect: 5x}
                rate-limits:
                  p: {limit: 0, per: 1s}
                routes:
                  - {id: a, match: {path: /a}, upstream: users}
                  - {id: a, match: {path: /b}, upstream: ordrs, auth: [jwt:none]}
                  - {id: c, match: {path: nopath}, upstream: users}
                observability: {tracing: {propagate: b3}}
                """;
        assertThat(errors(yaml)).containsExactly(
                "node.extra: unknown key (expected one of: name, listen, tls, admin, limits, state-dir, client-address, paths, http2)",
                "node.listen: 'localhost' is not host:port (expected: e.g. 127.0.0.1:8080, [::1]:8080)",
                "upstreams.users.targets[0].weight: 0 (expected: >= 1)",
                "upstreams.users.timeouts.connect: '5x' is not a duration (expected: e.g. 250ms, 2s, 1m, 1h, 1d)",
                "rate-limits.p.limit: 0 (expected: >= 1)",
                "routes[2].match.path: 'nopath' (expected: an absolute path such as /health)",
                "observability.tracing.propagate: 'b3' (expected: w3c or off)",
                "routes[1].id: 'a' is already the id of routes[0]",
                "routes[1].upstream: 'ordrs' is not a defined upstream (expected one of: users)",
                "routes[1].auth[0]: 'none' is not a defined jwt provider (none are defined)");
    }

    @Test
    void maxKeysMustBePositive() {
        assertThat(errors("rate-limits:\n  p: {limit: 10, per: 1s, max-keys: 0}\n"))
                .containsExactly("rate-limits.p.max-keys: 0 (expected: >= 1)");
        assertThat(errors("rate-limits:\n  p: {limit: 10, per: 1s, max-keys: -5}\n"))
                .containsExactly("rate-limits.p.max-keys: -5 (expected: >= 1)");
        assertThat(errors("rate-limits:\n  p: {limit: 10, per: 1s, max-keys: 3000000000}\n"))
                .containsExactly("rate-limits.p.max-keys: 3000000000 (expected: <= 2147483647)");
        assertThat(errors("rate-limits:\n  p: {limit: 10, per: 1s, max-keys: many}\n"))
                .containsExactly("rate-limits.p.max-keys: 'many' (expected: an integer)");
    }

    @Test
    void maxKeysDefaultsAndRoundTrips() throws ConfigException {
        GatewayConfig defaulted = parses("rate-limits:\n  p: {limit: 10, per: 1s}\n");
        assertThat(ConfigCodec.toYaml(defaulted.shared())).contains("max-keys: 100000");
        GatewayConfig set = parses("rate-limits:\n  p: {limit: 10, per: 1s, key: header:X-Key, max-keys: 250000}\n");
        assertThat(ConfigCodec.toYaml(set.shared())).contains("max-keys: 250000");
        assertThat(ConfigCodec.parseShared(ConfigCodec.toYaml(set.shared()), v -> null)).isEqualTo(set.shared());
        assertThat(ConfigCodec.parseShared(ConfigCodec.toYaml(set.shared()), v -> null))
                .isNotEqualTo(defaulted.shared());
    }

    @Test
    void emptyDocument() {
        assertThat(errors("")).containsExactly("the document is empty (expected: a config)");
        assertThat(errors("# only a comment\n")).containsExactly("the document is empty (expected: a config)");
        assertThat(errors("- a list\n")).singleElement().asString().startsWith("the document is not a mapping");
    }

    @Test
    void yamlSyntaxError() {
        assertThat(errors("node: [1, 2\nupstreams: x\n")).singleElement().asString()
                .startsWith("YAML syntax error at line 2, column");
        assertThat(errors("{\"node\": ")).singleElement().asString().startsWith("JSON syntax error at line 1");
    }

    @Test
    void jwtProviderRules() {
        String jwt = UPSTREAM + "auth:\n  jwt:\n    - {id: j, issuer: i, %s}\n";
        assertThat(errors(jwt.formatted("jwks-url: 'http://k/j', algorithms: [none]"))).singleElement().asString()
                .startsWith("auth.jwt[0].algorithms: 'none' (expected: one of RS256");
        assertThat(errors(jwt.formatted("hs-secret: short"))).containsExactly(
                "auth.jwt[0].hs-secret: '<hidden>' (expected: at least 32 bytes)");
        assertThat(errors(jwt.formatted("jwks-url: 'http://k/j', hs-secret: 0123456789abcdef0123456789abcdef")))
                .containsExactly("auth.jwt[0].jwks-url: 'http://k/j' (expected: exactly one of jwks-url, keys, hs-secret)");
        assertThat(errors(jwt.formatted("jwks-url: 'http://k/j', algorithms: [HS256]"))).containsExactly(
                "auth.jwt[0].algorithms: 'HS256' (expected: no HS* algorithm without hs-secret)");
    }

    @Test
    void consumersMustNotShareKeysOrSubjects() {
        String key = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        String yaml = "consumers:\n  a: {api-keys: ['" + key + "'], jwt-subjects: [x]}\n"
                + "  b: {api-keys: ['" + key + "'], jwt-subjects: [x]}\n";
        assertThat(errors(yaml)).containsExactly(
                "consumers.b.api-keys[0]: this key hash is already a key of consumer 'a'",
                "consumers.b.jwt-subjects[0]: 'x' is already a subject of consumer 'a'");
        assertThat(errors("consumers:\n  a: {api-keys: [abc]}\n")).containsExactly(
                "consumers.a.api-keys: 'abc' (expected: sha256:<64 lowercase hex digits>)");
    }

    @Test
    void sharedDocumentRejectsNodeSections() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigCodec.parseShared("node: {name: x}\n" + UPSTREAM, n -> null));
        assertThat(e.errors()).extracting(ConfigError::path).containsExactly("node");
    }

    @Test
    void clusterNeedsExactlyOneDiscovery() {
        assertThat(errors("cluster: {discovery: {}}\n"))
                .containsExactly("cluster.discovery: expected exactly one of: static, multicast, kubernetes");
        assertThat(errors("cluster: {name: c}\n")).containsExactly("cluster.discovery: is required");
        assertThat(errors("cluster: {discovery: {static: ['127.0.0.1:5701']}, min-size: 2}\n"))
                .containsExactly("cluster.min-size: 2 (expected: 1..expected-size (1))");
    }

    @Test
    void multicastNeedsAnExpectedSize() {
        assertThat(errors("cluster: {discovery: {multicast: {group: 224.2.2.3, port: 54327}}}\n"))
                .singleElement().asString().startsWith("cluster.expected-size: required with multicast discovery");
        assertThat(parses("cluster: {discovery: {multicast: {group: 224.2.2.3, port: 54327}}, expected-size: 3}\n")
                .cluster().expectedSize()).isEqualTo(3);
    }

    @Test
    void aMinoritySizeNeedsAllowMinority() {
        String twoOfFour = "cluster: {discovery: {static: ['127.0.0.1:5701', '127.0.0.1:5702', '127.0.0.1:5703',"
                + " '127.0.0.1:5704']}, min-size: 2}\n";
        assertThat(errors(twoOfFour)).singleElement().asString()
                .startsWith("cluster.min-size: 2 (expected: more than half of expected-size 4, at least 3;");
        assertThat(parses(twoOfFour.replace("min-size: 2", "min-size: 2, allow-minority: true")).cluster().minSize())
                .isEqualTo(2);
        assertThat(errors("cluster: {discovery: {static: ['127.0.0.1:5701', '127.0.0.1:5702']}, min-size: 1}\n"))
                .singleElement().asString().startsWith("cluster.min-size: 1 (expected: more than half");
    }

    @Test
    void theQuorumDefaultsToAMajorityOfTheStaticMembers() throws Exception {
        GatewayConfig config = ConfigCodec.parse("cluster: {discovery: {static: ['127.0.0.1:5701', '127.0.0.1:5702',"
                + " '127.0.0.1:5703', '127.0.0.1:5704', '127.0.0.1:5705']}}\n" + UPSTREAM, n -> null);
        assertThat(config.cluster().expectedSize()).isEqualTo(5);
        assertThat(config.cluster().minSize()).isEqualTo(3);
        assertThat(config.cluster().allowMinority()).isFalse();
        assertThat(config.cluster().backups()).as("two failures at once are likelier from 5 members").isEqualTo(2);
        assertThat(parses("cluster: {discovery: {static: ['127.0.0.1:5701', '127.0.0.1:5702', '127.0.0.1:5703']}}\n")
                .cluster().backups()).isEqualTo(1);
        assertThat(errors("cluster: {discovery: {static: ['127.0.0.1:5701']}, backups: 7}\n"))
                .containsExactly("cluster.backups: 7 (expected: 0..6)");
    }

    @Test
    void websocketErrorsNameTheirPath() {
        assertThat(errors(route("{id: x, match: {path: /x}, upstream: users, websocket: {idle-timeout: 0s, max-message: 0}}")))
                .containsExactly("routes[1].websocket.idle-timeout: 0s (expected: > 0)");
        assertThat(errors(route("{id: x, match: {path: /x}, upstream: users, websocket: {max-message: 0}}")))
                .containsExactly("routes[1].websocket.max-message: 0 (expected: > 0)");
        assertThat(errors(route("{id: x, match: {path: /x}, upstream: users, websocket: {max-message: 1MB}}")))
                .singleElement().asString().startsWith("routes[1].websocket.max-message: '1MB' is not a size");
        assertThat(errors(route("{id: x, match: {path: /x}, upstream: users, websocket: {idle: 1s}}")))
                .containsExactly("routes[1].websocket.idle: unknown key (expected one of: idle-timeout, max-message)");
        assertThat(errors(route("{id: x, match: {path: /x}, upstream: users, websocket: true}")))
                .singleElement().asString().startsWith("routes[1].websocket: true (expected: an object");
    }

    @Test
    void websocketTakesDefaultsAndIsAbsentUnlessGiven() {
        RouteConfig plain = parses(route("{id: x, match: {path: /x}, upstream: users}")).shared().routes().get(1);
        assertThat(plain.websocket()).isNull();
        RouteConfig chat = parses(route("{id: x, match: {path: /x}, upstream: users, websocket: {}}")).shared().routes().get(1);
        assertThat(chat.websocket()).isEqualTo(WebSocketConfig.defaults());
        RouteConfig tuned = parses(route("{id: x, match: {path: /x}, upstream: users, "
                + "websocket: {idle-timeout: 30s, max-message: 64KiB}}")).shared().routes().get(1);
        assertThat(tuned.websocket()).isEqualTo(new WebSocketConfig(java.time.Duration.ofSeconds(30), 65536));
    }
}
