package dev.gateway.cluster.history;

import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/** Both contracts on two members (ports 5792-5793, this package's). */
class HazelcastHistoryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static ClusterMember first;
    private static ClusterMember second;

    @BeforeAll
    static void startMembers() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        String name = "history-" + UUID.randomUUID().toString().substring(0, 8);
        first = start(name, 5792);
        second = start(name, 5793);
    }

    private static ClusterMember start(String name, int port) {
        List<HostPort> members = List.of(new HostPort("127.0.0.1", 5792), new HostPort("127.0.0.1", 5793));
        return ClusterMember.start(new ClusterSettings(name, new HostPort("127.0.0.1", port), new Discovery(members, null),
                2, 1, true), "gw-" + port, HistoryMaps::register);
    }

    @AfterAll
    static void stopMembers() {
        for (ClusterMember m : new ClusterMember[] {first, second}) {
            if (m != null) {
                m.hazelcast().getLifecycleService().terminate();
            }
        }
    }

    @Nested
    class Versions extends ConfigHistoryContract {
        @BeforeEach
        void empty() {
            first.hazelcast().getMap(HistoryMaps.CONFIG_HISTORY_MAP).clear();
        }

        @Override
        protected ConfigHistory history() {
            return new HazelcastConfigHistory(first.hazelcast(), TIMEOUT);
        }

        @Override
        protected ConfigHistory otherNode() {
            return new HazelcastConfigHistory(second.hazelcast(), TIMEOUT);
        }
    }

    @Nested
    class Audit extends AuditLogContract {
        @BeforeEach
        void empty() {
            // a ring buffer cannot be cleared: a fresh one per test
            first.hazelcast().getRingbuffer(HistoryMaps.AUDIT_RING).destroy();
        }

        @Override
        protected AuditLog log() {
            return new HazelcastAuditLog(first.hazelcast(), TIMEOUT);
        }

        @Override
        protected AuditLog otherNode() {
            return new HazelcastAuditLog(second.hazelcast(), TIMEOUT);
        }
    }
}
