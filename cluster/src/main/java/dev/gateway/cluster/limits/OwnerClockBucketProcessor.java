package dev.gateway.cluster.limits;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gateway.cluster.member.MemberClock;
import io.github.bucket4j.distributed.remote.Request;
import io.github.bucket4j.distributed.serialization.InternalSerializationHelper;
import io.github.bucket4j.grid.hazelcast.HazelcastEntryProcessor;
import java.io.IOException;
import java.util.Map;

/**
 * A bucket4j command run on the key's owner at the owner's {@link MemberClock}: the caller ships the command
 * without a clock reading, and the owner stamps it with its own before bucket4j's Hazelcast entry processor runs
 * it. Refill, the entry's time-to-live and the operation time in verbose answers are then the owner's, whichever
 * member took the request and however far its clock is off. The backup is bucket4j's: the bucket the owner
 * computed, stored as is. A command that reaches the owner after its caller's deadline ({@link CallDeadline})
 * runs as a no-op and answers {@code null}.
 */
final class OwnerClockBucketProcessor<K> implements EntryProcessor<K, byte[], byte[]>, IdentifiedDataSerializable,
        HazelcastInstanceAware {

    private byte[] request;
    private long deadlineMillis;
    private transient HazelcastInstance member;
    private transient HazelcastEntryProcessor<K, ?> delegate;

    OwnerClockBucketProcessor() {
    }

    /** {@code request} to run on the owner unless {@code deadlineMillis} ({@link CallDeadline}) has passed. */
    OwnerClockBucketProcessor(Request<?> request, long deadlineMillis) {
        if (request.getClientSideTime() != null) {
            throw new IllegalArgumentException("request: carries the caller's clock (expected: none, the owner's)");
        }
        this.request = InternalSerializationHelper.serializeRequest(request);
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public byte[] process(Map.Entry<K, byte[]> entry) {
        if (member == null) {
            throw new IllegalStateException("no member clock: the processor was not initialized by its member");
        }
        if (CallDeadline.passed(member, deadlineMillis)) {
            delegate = null; // nothing changed: no backup either
            return null;
        }
        Request<?> shipped = InternalSerializationHelper.deserializeRequest(request);
        Request<?> stamped = stamp(shipped, MemberClock.epochNanos(member));
        delegate = new HazelcastEntryProcessor<>(stamped);
        return delegate.process(entry);
    }

    private static <T> Request<T> stamp(Request<T> shipped, long nowNanos) {
        return new Request<>(shipped.getCommand(), shipped.getBackwardCompatibilityVersion(), nowNanos,
                shipped.getExpirationStrategy());
    }

    @Override
    public EntryProcessor<K, byte[], byte[]> getBackupProcessor() {
        return delegate == null ? null : delegate.getBackupProcessor();
    }

    @Override
    public int getFactoryId() {
        return RateLimitMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return LimitsSerializableFactory.OWNER_CLOCK_BUCKET_PROCESSOR;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(request);
        out.writeLong(deadlineMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        request = in.readByteArray();
        if (request == null) {
            throw new IOException("a bucket command does not decode: no request");
        }
        deadlineMillis = in.readLong();
    }
}
