package dev.gateway.node.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.InvalidConfigException;
import dev.gateway.node.support.TestConfigs;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Aggregate routes: parallel parts, placeholders, optional and required failures. */
class AggregateIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "an-hs256-secret-of-at-least-32-bytes!!";
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private PartUpstream users;
    private PartUpstream orders;
    private PartUpstream recs;
    private GatewayNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        for (PartUpstream u : new PartUpstream[] {users, orders, recs}) {
            if (u != null) {
                u.close();
            }
        }
    }

    private void start(int ordersStatus, long ordersDelay, int recsStatus, long recsDelay) throws Exception {
        users = new PartUpstream("users", 200, 0);
        orders = new PartUpstream("orders", ordersStatus, ordersDelay);
        recs = new PartUpstream("recs", recsStatus, recsDelay);
        node = GatewayNode.start(TestConfigs.withDefaults("""
                upstreams:
                  users: {targets: ["http://127.0.0.1:%d"]}
                  orders: {targets: ["http://127.0.0.1:%d"]}
                  recs: {targets: ["http://127.0.0.1:%d"]}
                auth:
                  jwt:
                    - {id: main, issuer: test, hs-secret: "%s"}
                routes:
                  - id: home
                    match: {path: "~^/bff/home/(?<region>[a-z]+)$", methods: [GET]}
                    auth: [jwt:main]
                    aggregate:
                      user: {upstream: users, path: "/users/{jwt.sub}?region={path.region}"}
                      orders: {upstream: orders, path: "/orders?user={jwt.sub}&q={query.q}", timeout: 500ms}
                      recs: {upstream: recs, path: /recommendations, timeout: 300ms, optional: true}
                """.formatted(users.port(), orders.port(), recs.port(), SECRET)));
    }

    private HttpResponse<String> home(String pathAndQuery) throws Exception {
        String token = Jwts.builder().issuer("test").subject("alice smith").expiration(Date.from(Instant.now().plusSeconds(300)))
                .signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8))).compact();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxyPort() + pathAndQuery))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(2)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyPartIsMergedUnderItsNameWithPlaceholdersFilledAndEncoded() throws Exception {
        start(200, 0, 200, 0);
        HttpResponse<String> response = home("/bff/home/eu?q=a%26b");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/user/target").asText()).isEqualTo("/users/alice%20smith?region=eu");
        assertThat(body.at("/orders/target").asText()).isEqualTo("/orders?user=alice%20smith&q=a%26b");
        assertThat(body.at("/recs/service").asText()).isEqualTo("recs");
        assertThat(body.at("/user/consumer").asText()).isEqualTo("alice smith");
        assertThat(response.headers().firstValue("X-Aggregate-Warning")).isEmpty();
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    }

    @Test
    void aSlowOptionalPartIsNullWithAWarningAndHoldsTheAnswerOnlyUntilItsTimeout() throws Exception {
        start(200, 0, 200, 5_000);
        // the client gives up after 2 s: waiting for the 5 s part instead of its 300 ms timeout would fail this
        HttpResponse<String> response = home("/bff/home/eu?q=x");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("recs").isNull()).isTrue();
        assertThat(body.at("/orders/service").asText()).isEqualTo("orders");
        assertThat(response.headers().firstValue("X-Aggregate-Warning")).hasValueSatisfying(w ->
                assertThat(w).startsWith("recs: "));
    }

    @Test
    void aFailingOptionalPartIsNullWithTheReason() throws Exception {
        start(200, 0, 500, 0);
        HttpResponse<String> response = home("/bff/home/eu?q=x");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("recs").isNull()).isTrue();
        assertThat(response.headers().firstValue("X-Aggregate-Warning")).contains("recs: upstream answered 500");
    }

    @Test
    void aFailingRequiredPartIs502NamingIt() throws Exception {
        start(503, 0, 200, 0);
        HttpResponse<String> response = home("/bff/home/eu?q=x");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(response.body()).get("error").asText())
                .isEqualTo("aggregate part 'orders' failed: upstream answered 503");
    }

    @Test
    void aRequiredPartPastItsTimeoutIs504NamingIt() throws Exception {
        start(200, 1_500, 200, 0);
        HttpResponse<String> response = home("/bff/home/eu?q=x");
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(JSON.readTree(response.body()).get("error").asText()).startsWith("aggregate part 'orders' failed");
    }

    @Test
    void aMissingQueryValueIs400NamingThePlaceholder() throws Exception {
        start(200, 0, 200, 0);
        HttpResponse<String> response = home("/bff/home/eu");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains("{query.q}");
    }

    @Test
    void aPathPlaceholderWithoutARegexGroupIsAConfigError() {
        InvalidConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(InvalidConfigException.class,
                () -> GatewayNode.start(TestConfigs.withDefaults("""
                        upstreams:
                          users: {targets: ["http://127.0.0.1:9"]}
                        routes:
                          - id: home
                            match: {path: /bff/home}
                            aggregate:
                              user: {upstream: users, path: "/users/{path.id}"}
                        """)).close());
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("routes.home.aggregate.user.path").contains("{path.id}");
    }
}
