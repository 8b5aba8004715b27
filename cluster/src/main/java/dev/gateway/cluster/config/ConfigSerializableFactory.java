package dev.gateway.cluster.config;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Creates this package's values and processors when a member reads them off the wire. */
final class ConfigSerializableFactory implements DataSerializableFactory {
    static final int STORED_CONFIG = 1;
    static final int PUBLISH_PROCESSOR = 2;
    static final int STORED_NODE_STATE = 3;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        return switch (typeId) {
            case STORED_CONFIG -> new StoredConfig();
            case PUBLISH_PROCESSOR -> new PublishProcessor();
            case STORED_NODE_STATE -> new StoredNodeState();
            default -> null;
        };
    }
}
