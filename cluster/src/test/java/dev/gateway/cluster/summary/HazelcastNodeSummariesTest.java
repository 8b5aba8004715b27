package dev.gateway.cluster.summary;

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

/**
 * The contract on two members (ports 5790-5791, this package's); entries live 3 s. Both members read the map once
 * before the tests: a first read (connections, class loading) can take longer than a short time to live.
 */
class HazelcastNodeSummariesTest extends NodeSummariesContract {
    private static final Duration TTL = Duration.ofSeconds(3);
    private static ClusterMember first;
    private static ClusterMember second;

    @BeforeAll
    static void startMembers() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        String name = "summaries-" + UUID.randomUUID().toString().substring(0, 8);
        first = start(name, 5790);
        second = start(name, 5791);
        new HazelcastNodeSummaries(first.hazelcast(), TTL, Duration.ofSeconds(30)).all();
        new HazelcastNodeSummaries(second.hazelcast(), TTL, Duration.ofSeconds(30)).all();
    }

    private static ClusterMember start(String name, int port) {
        List<HostPort> members = List.of(new HostPort("127.0.0.1", 5790), new HostPort("127.0.0.1", 5791));
        return ClusterMember.start(new ClusterSettings(name, new HostPort("127.0.0.1", port), new Discovery(members, null),
                2, 1, true), "gw-" + port, SummaryMaps::register);
    }

    @AfterAll
    static void stopMembers() {
        for (ClusterMember m : new ClusterMember[] {first, second}) {
            if (m != null) {
                m.hazelcast().getLifecycleService().terminate();
            }
        }
    }

    @BeforeEach
    void empty() {
        first.hazelcast().getMap(SummaryMaps.SUMMARIES_MAP).clear();
    }

    @Override
    protected NodeSummaries store() {
        return new HazelcastNodeSummaries(first.hazelcast(), TTL, Duration.ofSeconds(5));
    }

    @Override
    protected NodeSummaries otherNode() {
        return new HazelcastNodeSummaries(second.hazelcast(), TTL, Duration.ofSeconds(5));
    }

    @Override
    protected void letTimeToLivePass() {
        // real time: Hazelcast expires by its own clock; the contract's await bounds the wait
    }
}
