package dev.gateway.cluster.member;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import dev.gateway.limiter.Ticker;
import java.util.Objects;

/**
 * The clock of every time-based decision on shared state (bucket refill, sliding windows, breaker open-until,
 * probe leases, evidence windows): read by the entry processors on the member that runs them, the entry's
 * owner, never shipped from the caller. So a caller whose clock is off decides nothing by it.
 *
 * <p>By default it is Hazelcast's cluster time ({@code Cluster#getClusterTime()}): this member's wall clock plus
 * the offset to the master's, which Hazelcast sets at join and on every master heartbeat (one-way latency
 * apart) and carries over when the master changes. Every member therefore reads one clock, the master's, to a
 * few milliseconds on a LAN, however far its own wall clock is off: an entry that migrates to a member whose
 * wall clock is 30 s ahead is still decided on the same time line. A test installs a clock of its own per
 * member ({@link #install}) through the config's user context, where the processors look it up. On a client-mode
 * node (which decides nothing, but shows the time and shifts breaker views by it) it is {@link ClusterTime}'s
 * estimate of the members' time.
 *
 * <p>Stateless; thread-safe.
 */
public final class MemberClock {

    /** The user-context key of an installed clock (a {@link Ticker}). */
    static final String USER_CONTEXT_KEY = "gateway.member-clock";

    private MemberClock() {
    }

    /** Makes {@code clock} the member clock of the member built from {@code config} (tests: a skewed member). */
    public static void install(Config config, Ticker clock) {
        Objects.requireNonNull(config, "config");
        config.getUserContext().put(USER_CONTEXT_KEY, Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Makes {@code clock} the member clock {@code hazelcast} reads on its own side (tests: a client-mode node whose
     * members run on a test clock). Entry processors read their member's.
     */
    public static void install(HazelcastInstance hazelcast, Ticker clock) {
        hazelcast.getUserContext().put(USER_CONTEXT_KEY, Objects.requireNonNull(clock, "clock"));
    }

    /** {@code hazelcast}'s member clock now, epoch milliseconds: the installed clock, else cluster time. */
    public static long epochMillis(HazelcastInstance hazelcast) {
        Object installed = hazelcast.getUserContext().get(USER_CONTEXT_KEY);
        return installed instanceof Ticker clock ? clock.epochMillis() : ClusterTime.millis(hazelcast);
    }

    /** {@link #epochMillis} in nanoseconds, as the limiters compute ({@link Ticker#epochNanos()}). */
    public static long epochNanos(HazelcastInstance hazelcast) {
        return Math.multiplyExact(epochMillis(hazelcast), 1_000_000L);
    }

    /** {@code hazelcast}'s member clock as a {@link Ticker} (its {@code nanoTime} is this JVM's). */
    public static Ticker of(HazelcastInstance hazelcast) {
        Objects.requireNonNull(hazelcast, "hazelcast");
        return new Ticker() {
            @Override
            public long epochMillis() {
                return MemberClock.epochMillis(hazelcast);
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public String toString() {
                return "MemberClock(" + hazelcast.getName() + ")";
            }
        };
    }
}
