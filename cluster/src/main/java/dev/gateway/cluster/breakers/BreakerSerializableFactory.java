package dev.gateway.cluster.breakers;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Creates this package's values and entry processors when a member reads them off the wire. */
final class BreakerSerializableFactory implements DataSerializableFactory {
    static final int STORED_STATE = 1;
    static final int BACKUP = 3;
    // New ids since the calls stopped carrying the caller's clock (2, 4, 5 and 6 did): a member of the earlier
    // build fails on them, and this one on its, instead of misreading each other's fields.
    static final int REPLY = 7;
    static final int REPORT = 8;
    static final int PROBE_REQUEST = 9;
    static final int PROBE_RESULT = 10;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        return switch (typeId) {
            case STORED_STATE -> new StoredBreakerState();
            case REPLY -> new BreakerReply();
            case BACKUP -> new BreakerBackup();
            case REPORT -> new ReportProcessor();
            case PROBE_REQUEST -> new ProbeRequestProcessor();
            case PROBE_RESULT -> new ProbeResultProcessor();
            default -> null;
        };
    }
}
