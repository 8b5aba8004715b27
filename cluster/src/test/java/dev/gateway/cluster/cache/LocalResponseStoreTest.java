package dev.gateway.cluster.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalResponseStoreTest extends ResponseStoreContract {
    private final LocalResponseStore store = new LocalResponseStore(1 << 20);

    @Override
    protected ResponseStore store() {
        return store;
    }

    @Override
    protected ResponseStore otherNode() {
        return store;
    }

    @Test
    void theSizeBoundEvictsOldEntries() throws Exception {
        LocalResponseStore small = new LocalResponseStore(10_000);
        for (int i = 0; i < 100; i++) {
            small.put("k" + i, response("x".repeat(500)), Duration.ofMinutes(1));
        }
        // Caffeine's admission policy decides which entries stay; the bound is what is promised
        assertThat(small.entries()).isPositive().isLessThan(20);
    }

    @Test
    void expiryFollowsTheInjectedClock() throws Exception {
        AtomicLong nanos = new AtomicLong();
        LocalResponseStore timed = new LocalResponseStore(1 << 20, nanos::get);
        timed.put("k", response("x"), Duration.ofSeconds(30));
        nanos.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(get(timed, "k")).isNotNull();
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(get(timed, "k")).isNull();
    }
}
