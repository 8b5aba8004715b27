package dev.gateway.cluster.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link ResponseStore} promises; {@link #store()} is empty at the start of each test. */
abstract class ResponseStoreContract {
    protected abstract ResponseStore store();

    /** The same store seen from another node (itself for a node-local store). */
    protected abstract ResponseStore otherNode();

    static StoredResponse response(String body) {
        return new StoredResponse(200, List.of("Content-Type", "application/json", "ETag", "\"1\""),
                body.getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L, 3, List.of());
    }

    static StoredResponse get(ResponseStore store, String key) throws Exception {
        return store.get(key).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMissIsNull() throws Exception {
        assertThat(get(store(), "r|GET|h|/nothing")).isNull();
    }

    @Test
    void aStoredResponseComesBackWholeFromEveryNode() throws Exception {
        StoredResponse r = response("{\"a\":1}");
        store().put("r|GET|h|/a", r, Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            StoredResponse seen = get(otherNode(), "r|GET|h|/a");
            assertThat(seen).isNotNull();
            assertThat(seen.status()).isEqualTo(200);
            assertThat(seen.headers()).isEqualTo(r.headers());
            assertThat(seen.body()).isEqualTo(r.body());
            assertThat(seen.storedAtMillis()).isEqualTo(r.storedAtMillis());
            assertThat(seen.ageAtStoreSeconds()).isEqualTo(3);
        });
    }

    @Test
    void varyMarkersRoundTrip() throws Exception {
        store().put("r|GET|h|/v", StoredResponse.varyMarker(List.of("accept-language"), 5), Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            StoredResponse seen = get(store(), "r|GET|h|/v");
            assertThat(seen).isNotNull();
            assertThat(seen.isVaryMarker()).isTrue();
            assertThat(seen.varyOn()).containsExactly("accept-language");
        });
    }

    @Test
    void anEntryExpiresAfterItsTimeToLive() throws Exception {
        store().put("r|GET|h|/short", response("x"), Duration.ofMillis(300));
        store().put("r|GET|h|/long", response("y"), Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> get(store(), "r|GET|h|/short") == null);
        assertThat(get(store(), "r|GET|h|/long")).isNotNull();
    }

    @Test
    void purgeRemovesEveryKeyWithThePrefixOnly() throws Exception {
        store().put("orders|GET|h|/1", response("1"), Duration.ofMinutes(1));
        store().put("orders|GET|h|/2", response("2"), Duration.ofMinutes(1));
        store().put("orders_x|GET|h|/3", response("3"), Duration.ofMinutes(1));
        store().put("users|GET|h|/1", response("4"), Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> get(store(), "users|GET|h|/1") != null
                && get(store(), "orders|GET|h|/2") != null && get(store(), "orders_x|GET|h|/3") != null);
        assertThat(otherNode().purge("orders|")).isEqualTo(2);
        assertThat(get(store(), "orders|GET|h|/1")).isNull();
        assertThat(get(store(), "orders|GET|h|/2")).isNull();
        assertThat(get(store(), "orders_x|GET|h|/3")).isNotNull();
        assertThat(get(store(), "users|GET|h|/1")).isNotNull();
    }
}
