package dev.gateway.cluster.member;

import com.hazelcast.core.HazelcastInstance;
import dev.gateway.limiter.Ticker;
import java.util.Objects;

/**
 * Hazelcast's cluster time (the master's wall clock) as {@code hazelcast} knows it. A member tracks it itself
 * ({@code Cluster#getClusterTime()}); a Hazelcast client's {@code getClusterTime()} is only its own wall clock, so a
 * client node installs an estimate of the members' time ({@link ClusterClient}: {@link MemberTimeEstimate}) in its
 * user context, where this looks first. Stateless; thread-safe.
 */
public final class ClusterTime {
    static final String USER_CONTEXT_KEY = "gateway.cluster-time";

    private ClusterTime() {
    }

    /** Cluster time now, epoch milliseconds. */
    public static long millis(HazelcastInstance hazelcast) {
        Object installed = hazelcast.getUserContext().get(USER_CONTEXT_KEY);
        return installed instanceof Ticker clock ? clock.epochMillis() : hazelcast.getCluster().getClusterTime();
    }

    /** Makes {@code clock} the cluster time of the instance built with {@code userContext}. */
    static void install(java.util.concurrent.ConcurrentMap<String, Object> userContext, Ticker clock) {
        userContext.put(USER_CONTEXT_KEY, Objects.requireNonNull(clock, "clock"));
    }
}
