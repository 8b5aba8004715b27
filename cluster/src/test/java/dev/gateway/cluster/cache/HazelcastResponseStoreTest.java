package dev.gateway.cluster.cache;

import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.cluster.member.TwoMembers;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The contract on two members (ports 5780-5781, this package's). */
class HazelcastResponseStoreTest extends ResponseStoreContract {
    private static TwoMembers members;
    private static ClusterMember first;
    private static ClusterMember second;

    @BeforeAll
    static void startMembers() {
        members = TwoMembers.start("cache", 5780, 5781, CacheMaps::register);
        first = members.first();
        second = members.second();
    }

    @AfterAll
    static void stopMembers() {
        if (members != null) {
            members.close();
        }
    }

    @BeforeEach
    void empty() {
        first.hazelcast().getMap(CacheMaps.CACHE_MAP).clear();
    }

    @Override
    protected ResponseStore store() {
        return new HazelcastResponseStore(first.hazelcast(), Duration.ofSeconds(2));
    }

    @Override
    protected ResponseStore otherNode() {
        return new HazelcastResponseStore(second.hazelcast(), Duration.ofSeconds(2));
    }
}
