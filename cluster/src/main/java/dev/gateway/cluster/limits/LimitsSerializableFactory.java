package dev.gateway.cluster.limits;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Creates this package's entry processors when a member reads them off the wire. */
final class LimitsSerializableFactory implements DataSerializableFactory {
    /** Not 1: id 1 was the processor that carried the caller's clock; a member of that build fails on this one. */
    static final int SLIDING_WINDOW_PROCESSOR = 5;
    static final int SLIDING_WINDOW_BACKUP = 2;
    static final int OWNER_CLOCK_BUCKET_PROCESSOR = 3;
    static final int SLIDING_WINDOW_PEEK = 4;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        return switch (typeId) {
            case SLIDING_WINDOW_PROCESSOR -> new SlidingWindowProcessor();
            case SLIDING_WINDOW_BACKUP -> new SlidingWindowBackup();
            case OWNER_CLOCK_BUCKET_PROCESSOR -> new OwnerClockBucketProcessor<>();
            case SLIDING_WINDOW_PEEK -> new SlidingWindowPeek();
            default -> null;
        };
    }
}
