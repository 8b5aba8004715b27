package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.http.Headers;
import dev.gateway.node.routing.PathNormalizer;
import dev.gateway.node.routing.Route;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.RecordingUpstream;
import dev.gateway.node.support.TestConfigs;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Through a real node with a recording upstream: whatever path a client sends, the upstream receives the path
 * the gateway routed (no rewrite here), that path is a fixed point of normalization (a server normalizing it
 * again reads the same), and the gateway's own router picks the same route for it as for the raw request, with or
 * without its path parameters (which Tomcat and Spring drop before routing).
 */
class RoutedPathIsForwardedPathTest {
    private static final List<String> PIECES = List.of("/", "//", ".", "..", "%2e", "%2E", "%2f", "%5c", "\\", ";",
            "..;", ";v=1", "%25", "%252e", "admin", "api", "users", "%61dmin", "%41", "x", "%c3%a9", "%", "%zz", "|", "~");

    private static RecordingUpstream recorder;
    private static GatewayNode node;

    @BeforeContainer
    static void start() throws Exception {
        recorder = RecordingUpstream.start();
        node = GatewayNode.start(TestConfigs.withDefaults("""
                upstreams:
                  rec: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: admin, match: {path: /admin/**}, upstream: rec, request: {set-headers: {X-Route: admin}}}
                  - {id: api, match: {path: "~^/api/[a-z]+$"}, upstream: rec, request: {set-headers: {X-Route: api}}}
                  - {id: public, match: {path: /**}, upstream: rec, request: {set-headers: {X-Route: public}}}
                """.formatted(recorder.port())));
    }

    @AfterContainer
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of(PIECES).list().ofMinSize(1).ofMaxSize(8).map(l -> "/" + String.join("", l));
    }

    @Property(tries = 150)
    void theUpstreamGetsThePathTheGatewayRouted(@ForAll("paths") String raw) throws Exception {
        checkOne(raw);
    }

    @Example
    void encodedDotsCannotLeaveThePublicRouteForAdmin() throws Exception {
        assertThat(checkOne("/public/%2e%2e/admin/x")).isEqualTo("admin");
        assertThat(checkOne("/%61dmin/x")).isEqualTo("admin");
        assertThat(checkOne("//admin//x")).isEqualTo("admin");
        assertThat(checkOne("/api/users")).isEqualTo("api");
        assertThat(checkOne("/api/%75sers")).isEqualTo("api");
    }

    @Example
    void pathParametersThatWouldChangeTheRouteAreRefused() throws Exception {
        assertThat(checkOne("/admin;x=1/secret")).isNull();
        assertThat(checkOne("/api/users;v=2")).isNull();
        assertThat(checkOne("/admin/a;v=1/b")).isEqualTo("admin");
        assertThat(checkOne("/x;v=1/y")).isEqualTo("public");
    }

    /** @return the route that served {@code raw}, or null when it was refused */
    private static String checkOne(String raw) throws Exception {
        recorder.reset();
        RawHttp.Response response = RawHttp.exchange(node.proxyPort(),
                "GET " + raw + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String expected = PathNormalizer.defaults().normalize(raw);
        if (expected == null || !routeOf(expected).equals(routeOf(PathNormalizer.withoutParameters(expected)))) {
            assertThat(response.status()).as("%s is refused", raw).isEqualTo(400);
            assertThat(recorder.heads()).isZero();
            return null;
        }
        assertThat(response.status()).as("%s: %s", raw, response.bodyText()).isEqualTo(200);
        RecordingUpstream.Recorded seen = recorder.lastRequest();
        assertThat(seen.target()).as("forwarded path of %s", raw).isEqualTo(expected);
        assertThat(PathNormalizer.defaults().normalize(seen.target())).isEqualTo(seen.target());
        String again = routeOf(seen.target());
        assertThat(seen.header("X-Route")).as("route of %s (forwarded as %s)", raw, seen.target()).isEqualTo(again);
        assertThat(routeOf(PathNormalizer.withoutParameters(seen.target()))).as("route without parameters").isEqualTo(again);
        return again;
    }

    private static String routeOf(String path) {
        Route route = node.runtimes().current().router().match("GET", "x", path, new Headers(), null);
        return route == null ? "none" : route.id();
    }
}
