package dev.gateway.node.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.config.ConsumerConfig;
import dev.gateway.node.http.QueryParameters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Finding a consumer by API key or token subject, and the query-parameter helpers of API keys. */
class ConsumersTest {
    private final Consumers consumers = Consumers.of(Map.of(
            "alice", new ConsumerConfig(List.of(ApiKeys.hash("alice-1"), ApiKeys.hash("alice-2")), List.of("alice-sub"), "gold"),
            "bob", new ConsumerConfig(List.of(ApiKeys.hash("bob-1")), List.of(), null)));

    @Test
    void anApiKeyFindsTheConsumerOwningItsHash() {
        assertThat(consumers.byApiKey("alice-2")).isEqualTo(new Consumers.Consumer("alice", "gold"));
        assertThat(consumers.byApiKey("bob-1")).isEqualTo(new Consumers.Consumer("bob", null));
        assertThat(consumers.byApiKey("alice-3")).isNull();
        assertThat(consumers.byApiKey(ApiKeys.hash("alice-1"))).as("the stored hash is not a key").isNull();
    }

    @Test
    void aSubjectIsTheConsumerListingItElseItself() {
        assertThat(consumers.principalOf("alice-sub")).isEqualTo(new Principal("alice", "gold", "alice-sub"));
        assertThat(consumers.principalOf("carol")).isEqualTo(new Principal("carol", null, "carol"));
        assertThat(consumers.principalOf(null)).isEqualTo(new Principal(null, null, null));
    }

    @Test
    void queryParametersAreReadDecodedAndRemovedLeavingTheRestAsIs() {
        assertThat(QueryParameters.get("a=1&api_key=k%2B1&b", "api_key")).isEqualTo("k+1");
        assertThat(QueryParameters.get("api%5Fkey=x", "api_key")).isEqualTo("x");
        assertThat(QueryParameters.get("a=1", "api_key")).isNull();
        assertThat(QueryParameters.get(null, "api_key")).isNull();

        assertThat(QueryParameters.without("a=%20&api_key=k&b=2&api_key=again", "api_key")).isEqualTo("a=%20&b=2");
        assertThat(QueryParameters.without("api%5Fkey=k", "api_key")).isNull();
        assertThat(QueryParameters.without("a&&b=", "api_key")).isEqualTo("a&&b=");
        assertThat(QueryParameters.without(null, "api_key")).isNull();
    }
}
