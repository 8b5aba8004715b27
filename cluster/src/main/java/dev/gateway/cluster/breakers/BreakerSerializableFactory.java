package dev.gateway.cluster.breakers;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Creates this package's values and entry processors when a member reads them off the wire. */
final class BreakerSerializableFactory implements DataSerializableFactory {
    static final int STORED_STATE = 1;
    static final int REPLY = 2;
    static final int BACKUP = 3;
    static final int REPORT = 4;
    static final int PROBE_REQUEST = 5;
    static final int PROBE_RESULT = 6;

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
