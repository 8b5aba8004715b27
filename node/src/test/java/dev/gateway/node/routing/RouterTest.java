package dev.gateway.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.config.RouteConfig;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.pipeline.Interceptor;
import dev.gateway.node.support.TestConfigs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The routing table: which route wins for (method, host, path, headers, query). Most specific
 * wins (RouteConditions#specificity: path kind and length, then host, then header/query
 * conditions, then a method list), ties go to the route earlier in the file, and a request that
 * matches nothing is 404 (no allowed methods) or 405 (the path matches with other methods).
 */
class RouterTest {
    private static final String ROUTES = """
            upstreams:
              u: {targets: ["http://127.0.0.1:9"]}
            routes:
              - {id: api,            upstream: u, match: {path: /api/**}}
              - {id: users,          upstream: u, match: {path: /api/users/**, methods: [GET, POST]}}
              - {id: me,             upstream: u, match: {path: /api/users/me, methods: [GET]}}
              - {id: user-by-id,     upstream: u, match: {path: "~^/api/users/[0-9]+$", methods: [GET, DELETE]}}
              - {id: users-v2,       upstream: u, match: {path: /api/users/**, methods: [GET, POST], headers: {X-Version: "2"}}}
              - {id: users-beta,     upstream: u, match: {path: /api/users/**, methods: [GET, POST], query: {beta: "true"}}}
              - {id: users-v2-beta,  upstream: u, match: {path: /api/users/**, methods: [GET], headers: {X-Version: "2"}, query: {beta: "true"}}}
              - {id: api-host,       upstream: u, match: {path: /api/**, host: api.example.com}}
              - {id: api-wildcard,   upstream: u, match: {path: /api/**, host: "*.example.com"}}
              - {id: tie-first,      upstream: u, match: {path: /tie/**}}
              - {id: tie-second,     upstream: u, match: {path: /tie/**}}
              - {id: m-any,          upstream: u, match: {path: /m/**}}
              - {id: m-get,          upstream: u, match: {path: /m/**, methods: [GET]}}
              - {id: orders-post,    upstream: u, match: {path: /orders, methods: [POST]}}
              - {id: orders-put,     upstream: u, match: {path: /orders, methods: [PUT]}}
              - {id: reports,        upstream: u, match: {path: /reports/**, methods: [GET]}}
              - {id: versioned,      upstream: u, match: {path: "~/v[0-9]+/"}}
              - {id: beta-only,      upstream: u, match: {path: /beta-only, methods: [GET], query: {beta: "true"}}}
              - {id: exact-dup,      upstream: u, match: {path: /dup/**}}
              - {id: exact-dup-x,    upstream: u, match: {path: /dup}}
              - {id: everything-on-docs, upstream: u, match: {path: /**, host: docs.example.org}}
            """;

    private static final Interceptor TERMINAL =
            chain -> CompletableFuture.completedFuture(new GatewayResponse(200, new Headers(), Body.empty()));

    private static final List<RouteConfig> CONFIGS = TestConfigs.withDefaults(ROUTES).shared().routes();
    private static final Router ROUTER = new Router(routes(CONFIGS));

    @ParameterizedTest(name = "{0} {2} host={1} headers={3} query={4} -> {5}")
    @CsvSource(delimiter = '|', textBlock = """
            # method | host                  | path                    | headers             | query                  | winner
              GET    |                       | /api/users/me           |                     |                        | me
              HEAD   |                       | /api/users/me           |                     |                        | me
              PUT    |                       | /api/users/me           |                     |                        | api
              GET    |                       | /api/users/42           |                     |                        | user-by-id
              DELETE |                       | /api/users/42           |                     |                        | user-by-id
              POST   |                       | /api/users/42           |                     |                        | users
              GET    |                       | /api/users/42/orders    |                     |                        | users
              GET    |                       | /api/users              |                     |                        | users
              GET    |                       | /api/usersX             |                     |                        | api
              GET    |                       | /api                    |                     |                        | api
              GET    |                       | /api/users/abc          | X-Version=2         |                        | users-v2
              GET    |                       | /api/users/abc          | x-version=2         |                        | users-v2
              GET    |                       | /api/users/abc          | X-Version=3         |                        | users
              GET    |                       | /api/users/abc          |                     | beta=true              | users-beta
              GET    |                       | /api/users/abc          |                     | x=1&beta=tru%65        | users-beta
              GET    |                       | /api/users/abc          |                     | beta=false             | users
              POST   |                       | /api/users/abc          | X-Version=2         | beta=true              | users-v2
              GET    |                       | /api/users/abc          | X-Version=2         | beta=true              | users-v2-beta
              GET    | api.example.com       | /api/things             |                     |                        | api-host
              GET    | API.Example.COM:8443  | /api/things             |                     |                        | api-host
              GET    | eu.example.com        | /api/things             |                     |                        | api-wildcard
              GET    | a.b.example.com:80    | /api/things             |                     |                        | api-wildcard
              GET    | example.com           | /api/things             |                     |                        | api
              GET    | evil-example.com      | /api/things             |                     |                        | api
              GET    | api.example.com       | /api/users/42           |                     |                        | user-by-id
              GET    | eu.example.com        | /api/users/abc          |                     |                        | users
              GET    |                       | /tie/x                  |                     |                        | tie-first
              GET    |                       | /m/x                    |                     |                        | m-get
              POST   |                       | /m/x                    |                     |                        | m-any
              POST   |                       | /orders                 |                     |                        | orders-post
              PUT    |                       | /orders                 |                     |                        | orders-put
              HEAD   |                       | /reports/2024           |                     |                        | reports
              GET    |                       | /reports/v2/summary     |                     |                        | versioned
              PATCH  |                       | /anything/v10/x         |                     |                        | versioned
              GET    |                       | /beta-only              |                     | beta=true              | beta-only
              GET    |                       | /dup                    |                     |                        | exact-dup-x
              GET    |                       | /dup/x                  |                     |                        | exact-dup
              GET    | docs.example.org      | /anything/at/all        |                     |                        | everything-on-docs
              GET    | docs.example.org      | /api/users/me           |                     |                        | me
            """)
    void mostSpecificRouteWins(String method, String host, String path, String headers, String query, String winner) {
        Route route = ROUTER.match(method, host, path, headersOf(headers), query);

        assertThat(route).as("route for %s %s", method, path).isNotNull();
        assertThat(route.id()).isEqualTo(winner);
    }

    /** No route: {@code match} is null, and {@code allowedMethods} tells 404 (empty) from 405 (non-empty). */
    @ParameterizedTest(name = "{0} {2} host={1} query={4} -> allowed [{5}]")
    @CsvSource(delimiter = '|', textBlock = """
            # method | host             | path              | headers | query      | allowed (empty = 404)
              GET    |                  | /nothing          |         |            |
              GET    |                  | /                 |         |            |
              GET    |                  | /apis             |         |            |
              GET    |                  | /orders/1         |         |            |
              GET    |                  | /beta-only        |         |            |
              GET    |                  | /beta-only        |         | beta=false |
              GET    | docs.example.com | /nothing          |         |            |
              GET    |                  | /orders           |         |            | POST,PUT
              DELETE |                  | /orders           |         |            | POST,PUT
              HEAD   |                  | /orders           |         |            | POST,PUT
              DELETE |                  | /reports/2024     |         |            | GET,HEAD
              POST   |                  | /beta-only        |         | beta=true  | GET,HEAD
            """)
    void noRouteIs404OrMethodNotAllowed(String method, String host, String path, String headers, String query,
                                        String allowed) {
        assertThat(ROUTER.match(method, host, path, headersOf(headers), query)).isNull();

        List<String> expected = allowed == null ? List.of() : Arrays.asList(allowed.split(","));
        assertThat(ROUTER.allowedMethods(host, path, headersOf(headers), query))
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void tiesGoToTheRouteEarlierInTheFile() {
        RouteConfig first = byId("tie-first");
        RouteConfig second = byId("tie-second");

        Router inOrder = new Router(routes(List.of(first, second)));
        Router reversed = new Router(routes(List.of(second, first)));

        assertThat(inOrder.match("GET", null, "/tie/a", new Headers(), null).id()).isEqualTo("tie-first");
        assertThat(reversed.match("GET", null, "/tie/a", new Headers(), null).id()).isEqualTo("tie-second");
    }

    @Test
    void fileOrderDoesNotBeatSpecificity() {
        List<RouteConfig> reversed = new ArrayList<>(CONFIGS);
        java.util.Collections.reverse(reversed);
        Router router = new Router(routes(reversed));

        assertThat(router.match("GET", null, "/api/users/me", new Headers(), null).id()).isEqualTo("me");
        assertThat(router.match("GET", null, "/api/users/42", new Headers(), null).id()).isEqualTo("user-by-id");
        assertThat(router.match("GET", "x.example.com", "/api/a", new Headers(), null).id()).isEqualTo("api-wildcard");
        assertThat(router.match("GET", null, "/m/x", new Headers(), null).id()).isEqualTo("m-get");
    }

    @Test
    void routesAreListedMostSpecificFirst() {
        List<String> ids = ROUTER.routes().stream().map(Route::id).toList();

        assertThat(ids.indexOf("exact-dup-x")).isLessThan(ids.indexOf("user-by-id"));
        assertThat(ids.indexOf("user-by-id")).isLessThan(ids.indexOf("users-v2-beta"));
        assertThat(ids.indexOf("users-v2-beta")).isLessThan(ids.indexOf("users-v2"));
        assertThat(ids.indexOf("users-v2")).isLessThan(ids.indexOf("users-beta"));
        assertThat(ids.indexOf("users-beta")).isLessThan(ids.indexOf("users"));
        assertThat(ids.indexOf("users")).isLessThan(ids.indexOf("api-host"));
        assertThat(ids.indexOf("api-host")).isLessThan(ids.indexOf("api-wildcard"));
        assertThat(ids.indexOf("api-wildcard")).isLessThan(ids.indexOf("api"));
        assertThat(ids).hasSize(CONFIGS.size());
    }

    private static RouteConfig byId(String id) {
        return CONFIGS.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    private static List<Route> routes(List<RouteConfig> configs) {
        return configs.stream().map(rc -> new Route(rc, List.of(TERMINAL))).toList();
    }

    /** {@code Name=value;Name2=value2}, null for none. */
    private static Headers headersOf(String spec) {
        Headers headers = new Headers();
        if (spec != null) {
            for (String pair : spec.split(";")) {
                int eq = pair.indexOf('=');
                headers.add(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return headers;
    }
}
