package dev.gateway.cluster.config;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import dev.gateway.config.feed.ConfigVersion;

/**
 * When two sides of a split cluster merge, the config entry keeps the version that
 * {@link ConfigVersion#supersedes supersedes} the other: the greater version, so every node ends on the
 * highest version either side published. Both sides decide the same way whichever merges into which.
 * Values that are not configs (never expected) keep the existing one.
 */
public final class HigherVersionMergePolicy implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {

    @Override
    public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
        if (existing == null) {
            return merging.getRawValue();
        }
        if (merging == null) {
            return existing.getRawValue();
        }
        Object in = merging.getDeserializedValue();
        Object here = existing.getDeserializedValue();
        if (in instanceof StoredConfig incoming && here instanceof StoredConfig current) {
            return incoming.version().supersedes(current.version()) ? merging.getRawValue() : existing.getRawValue();
        }
        if (here == null) {
            return merging.getRawValue();
        }
        return existing.getRawValue();
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        // stateless
    }

    @Override
    public void readData(ObjectDataInput in) {
        // stateless
    }
}
