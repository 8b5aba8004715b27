package dev.gateway.cluster.history;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/** Both contracts on one process's memory. */
class InMemoryHistoryTest {
    @Nested
    class Versions extends ConfigHistoryContract {
        private InMemoryConfigHistory history;

        @BeforeEach
        void fresh() {
            history = new InMemoryConfigHistory();
        }

        @Override
        protected ConfigHistory history() {
            return history;
        }

        @Override
        protected ConfigHistory otherNode() {
            return history;
        }
    }

    @Nested
    class Audit extends AuditLogContract {
        private InMemoryAuditLog log;

        @BeforeEach
        void fresh() {
            log = new InMemoryAuditLog();
        }

        @Override
        protected AuditLog log() {
            return log;
        }

        @Override
        protected AuditLog otherNode() {
            return log;
        }
    }
}
