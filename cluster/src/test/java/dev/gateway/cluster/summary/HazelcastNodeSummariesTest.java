package dev.gateway.cluster.summary;

import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.cluster.member.TwoMembers;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract on two members (ports 5790-5791, this package's); entries live 3 s. Both members read the map once
 * before the tests: a first read (connections, class loading) can take longer than a short time to live.
 */
class HazelcastNodeSummariesTest extends NodeSummariesContract {
    private static final Duration TTL = Duration.ofSeconds(3);
    private static TwoMembers members;
    private static ClusterMember first;
    private static ClusterMember second;

    @BeforeAll
    static void startMembers() {
        members = TwoMembers.start("summaries", 5790, 5791, SummaryMaps::register);
        first = members.first();
        second = members.second();
        new HazelcastNodeSummaries(first.hazelcast(), TTL, Duration.ofSeconds(30)).all();
        new HazelcastNodeSummaries(second.hazelcast(), TTL, Duration.ofSeconds(30)).all();
    }

    @AfterAll
    static void stopMembers() {
        if (members != null) {
            members.close();
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
