package dev.gateway.cluster.limits;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gateway.cluster.member.MemberClock;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.SlidingWindow;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One sliding-window consumption attempt, run on the key's owner: {@link SlidingWindow#tryConsume} over the
 * stored {@code long[]}, at the owner's {@link MemberClock} (no clock reading travels with the call), so the
 * answer does not depend on which member took the request or how far its clock is off. Stores the new state only when something changed,
 * and then hands the backup the state itself (not a re-run), so the backup holds exactly what the owner does.
 * Returns the decision as {@link SlidingWindow#encode longs}.
 */
final class SlidingWindowProcessor implements EntryProcessor<String, long[], long[]>, IdentifiedDataSerializable,
        HazelcastInstanceAware {

    private long version;
    private long limit;
    private long periodNanos;
    private int count;
    private long deadlineMillis;
    private transient HazelcastInstance member;
    private transient SlidingWindowBackup backup;

    SlidingWindowProcessor() {
    }

    /**
     * {@code count} checks, taken in turn at the owner's time (a coalesced batch when above 1), unless the owner
     * runs them after {@code deadlineMillis} ({@link CallDeadline}): then nothing is taken and the answer is null.
     */
    SlidingWindowProcessor(LimitSpec spec, int count, long deadlineMillis) {
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: > 0)");
        }
        this.version = spec.version();
        this.limit = spec.limit();
        this.periodNanos = spec.period().toNanos();
        this.count = count;
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    /** Each check's decision, {@link SlidingWindow#encode encoded}, one after the other. */
    @Override
    public long[] process(Map.Entry<String, long[]> entry) {
        backup = null;
        if (member == null) {
            throw new IllegalStateException("no member clock: the processor was not initialized by its member");
        }
        if (CallDeadline.passed(member, deadlineMillis)) {
            return null; // the caller gave up on it: nothing taken, nothing to back up
        }
        long nowNanos = MemberClock.epochNanos(member);
        long[] state = entry.getValue();
        long[] changed = null;
        long[] decisions = new long[count * SlidingWindow.DECISION_LENGTH];
        for (int i = 0; i < count; i++) {
            SlidingWindow.Step step = SlidingWindow.tryConsume(state, version, limit, periodNanos, nowNanos);
            if (step.state() != null) {
                state = step.state();
                changed = state;
            }
            System.arraycopy(SlidingWindow.encode(step.decision()), 0, decisions, i * SlidingWindow.DECISION_LENGTH,
                    SlidingWindow.DECISION_LENGTH);
        }
        if (changed != null) {
            backup = new SlidingWindowBackup(changed, timeToLiveMillis(changed, nowNanos));
            backup.process(entry);
        }
        return decisions;
    }

    @Override
    public EntryProcessor<String, long[], long[]> getBackupProcessor() {
        return backup;
    }

    /** Until both windows have passed, plus {@link HazelcastRateLimiter#KEEP_AFTER_FULL}; at least 1 ms. */
    static long timeToLiveMillis(long[] state, long nowNanos) {
        long nanos = SlidingWindow.expiresAtNanos(state) - nowNanos;
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos) + HazelcastRateLimiter.KEEP_AFTER_FULL.toMillis());
    }

    @Override
    public int getFactoryId() {
        return RateLimitMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return LimitsSerializableFactory.SLIDING_WINDOW_PROCESSOR;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(version);
        out.writeLong(limit);
        out.writeLong(periodNanos);
        out.writeInt(count);
        out.writeLong(deadlineMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        version = in.readLong();
        limit = in.readLong();
        periodNanos = in.readLong();
        count = in.readInt();
        deadlineMillis = in.readLong();
        if (count < 1) {
            throw new IOException("sliding-window check count " + count + " (expected: > 0)");
        }
    }
}
