package dev.gateway.cluster.limits;

import com.hazelcast.map.LocalMapStats;
import dev.gateway.cluster.ClientModeCluster;
import dev.gateway.cluster.member.MemberClock;
import dev.gateway.limiter.KeySpace;
import dev.gateway.limiter.ManualTicker;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.limiter.RateLimiterContract;
import java.time.Duration;
import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The limiter contract on two client-mode nodes of two dedicated members (ports 5886-5887): every check travels
 * from a client to its key's owner member. Key spaces' maps are added by a member at a client's request ({@link AddSpaceCall}).
 */
class ClientModeRateLimiterTest extends RateLimiterContract {
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(5);
    private static final FollowedClock CLOCK = new FollowedClock();
    private static ClientModeCluster cluster;

    @BeforeAll
    static void start() {
        cluster = ClientModeCluster.start("limits-client", List.of(5886, 5887), 2,
                config -> MemberClock.install(config, CLOCK));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected RateLimiter newLimiter(ManualTicker ticker) {
        CLOCK.follow(ticker);
        return new HazelcastRateLimiter(cluster.client(0), TEST_TIMEOUT);
    }

    @Override
    protected RateLimiter newLimiterOnSameStore(RateLimiter first, ManualTicker ticker) {
        CLOCK.follow(ticker);
        return new HazelcastRateLimiter(cluster.client(1), TEST_TIMEOUT);
    }

    @Override
    protected long keysHeld(KeySpace space) {
        return sumOverMembers(space, LocalMapStats::getOwnedEntryCount);
    }

    @Override
    protected long keysEvicted(KeySpace space) {
        return sumOverMembers(space, LocalMapStats::getEvictionCount);
    }

    @Override
    protected long heldAtMost(long maxKeys) {
        int partitions = cluster.member(0).getPartitionService().getPartitions().size();
        return (long) partitions * (RateLimitMaps.perPartition(maxKeys, partitions) + 1);
    }

    private static long sumOverMembers(KeySpace space, ToLongFunction<LocalMapStats> stat) {
        long sum = 0;
        for (int i = 0; i < cluster.memberCount(); i++) {
            sum += stat.applyAsLong(cluster.member(i).getMap(RateLimitMaps.bucketsMap(space)).getLocalMapStats());
            sum += stat.applyAsLong(cluster.member(i).getMap(RateLimitMaps.windowsMap(space)).getLocalMapStats());
        }
        return sum;
    }
}
