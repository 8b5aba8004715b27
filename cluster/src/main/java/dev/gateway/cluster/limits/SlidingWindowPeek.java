package dev.gateway.cluster.limits;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gateway.cluster.member.MemberClock;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.SlidingWindow;
import java.io.IOException;
import java.util.Map;

/**
 * What a sliding-window check would answer now, consuming nothing: {@link SlidingWindow#peek} on the key's
 * owner at the owner's {@link MemberClock}, like a check. Read-only: changes nothing, has no backup. Returns the
 * decision {@link SlidingWindow#encode encoded}.
 */
final class SlidingWindowPeek implements EntryProcessor<String, long[], long[]>, IdentifiedDataSerializable,
        HazelcastInstanceAware, ReadOnly {

    private long version;
    private long limit;
    private long periodNanos;
    private transient HazelcastInstance member;

    SlidingWindowPeek() {
    }

    SlidingWindowPeek(LimitSpec spec) {
        this.version = spec.version();
        this.limit = spec.limit();
        this.periodNanos = spec.period().toNanos();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public long[] process(Map.Entry<String, long[]> entry) {
        if (member == null) {
            throw new IllegalStateException("no member clock: the processor was not initialized by its member");
        }
        return SlidingWindow.encode(SlidingWindow.peek(entry.getValue(), version, limit, periodNanos,
                MemberClock.epochNanos(member)));
    }

    @Override
    public EntryProcessor<String, long[], long[]> getBackupProcessor() {
        return null;
    }

    @Override
    public int getFactoryId() {
        return RateLimitMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return LimitsSerializableFactory.SLIDING_WINDOW_PEEK;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(version);
        out.writeLong(limit);
        out.writeLong(periodNanos);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        version = in.readLong();
        limit = in.readLong();
        periodNanos = in.readLong();
    }
}
