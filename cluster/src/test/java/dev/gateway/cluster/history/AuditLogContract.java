package dev.gateway.cluster.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What every {@link AuditLog} promises; {@link #log()} is empty at the start of each test. */
abstract class AuditLogContract {
    protected abstract AuditLog log();

    /** The same log seen from another node (itself for a process-local one). */
    protected abstract AuditLog otherNode();

    static AuditEntry entry(int i) {
        return new AuditEntry(1_700_000_000_000L + i, "admin token from 127.0.0.1", "gw-" + (i % 2 + 1),
                "PUT /admin/config", i % 3 == 0 ? 400 : 200, "published version " + i);
    }

    @Test
    void entriesFromEveryNodeAreSeenNewestFirst() {
        log().append(entry(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> log().recent(10).size() == 1);
        otherNode().append(entry(2));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(log().recent(10)).containsExactly(entry(2), entry(1)));
        assertThat(otherNode().recent(1)).containsExactly(entry(2));
    }

    @Test
    void theLogIsBounded() {
        for (int i = 0; i < AuditLog.KEEP + 20; i++) {
            log().append(entry(i));
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(otherNode().recent(AuditLog.KEEP + 100)).hasSize(AuditLog.KEEP);
            assertThat(otherNode().recent(1)).containsExactly(entry(AuditLog.KEEP + 19));
        });
    }
}
