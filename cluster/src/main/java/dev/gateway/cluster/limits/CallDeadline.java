package dev.gateway.cluster.limits;

import com.hazelcast.core.HazelcastInstance;
import dev.gateway.cluster.member.ClusterTime;
import java.util.concurrent.TimeUnit;

/**
 * When a rate-limit call stops being worth running: the caller's cluster time when it sent the call plus its
 * request timeout. A check the caller has given up on (it answered fail-closed 429, or admitted by its
 * fallback) must not take tokens when Hazelcast delivers it later, as it does after the key's owner died: the
 * invocation is retried on the new owner once the dead member is dropped, seconds after the caller moved on.
 * The owner runs a call past its deadline as a no-op and answers {@code null}.
 *
 * <p>Both ends read Hazelcast's cluster time, the master's clock as every member sees it (a few ms apart on a
 * LAN; a client-mode caller reads its estimate of it, {@link ClusterTime}), not the member clock decisions are made on ({@link dev.gateway.cluster.member.MemberClock}, which tests
 * replace per member): a deadline is about one call's life, not about the buckets' time line. A call that
 * reaches its owner in the last milliseconds before its deadline may still take its tokens after its caller
 * timed out: that is the remaining window, one network latency wide.
 */
final class CallDeadline {
    private CallDeadline() {
    }

    /** The deadline, cluster-time epoch milliseconds, of a call {@code member} sends now with {@code budgetNanos}. */
    static long from(HazelcastInstance member, long budgetNanos) {
        return Math.addExact(ClusterTime.millis(member), TimeUnit.NANOSECONDS.toMillis(budgetNanos));
    }

    /** Whether {@code deadlineMillis} has passed on {@code member} (the owner about to run the call). */
    static boolean passed(HazelcastInstance member, long deadlineMillis) {
        return ClusterTime.millis(member) > deadlineMillis;
    }

    /** What a caller gets for a call its owner ran after the deadline: nothing was taken. */
    static IllegalStateException expired() {
        return new IllegalStateException("the key's owner ran the check after the caller's deadline: nothing taken");
    }
}
