package dev.gateway.cluster.config;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import dev.gateway.cluster.member.ClusterMember;
import java.util.Objects;

/**
 * The maps that hold the shared config: {@value #CONFIG_MAP} (one entry, key {@value #KEY}, the current
 * version) and {@value #NODES_MAP} (which version each node runs). Both are small, kept with two synchronous
 * backups (so two members may die at once without losing the config), under the cluster's split-brain
 * protection, and merged after a split by {@link HigherVersionMergePolicy} (config) or put-if-absent (node
 * reports, which every node renews every few seconds).
 */
public final class ConfigMaps {
    public static final String CONFIG_MAP = "gateway.config";
    public static final String NODES_MAP = "gateway.config.nodes";
    static final String KEY = "shared";
    /** Factory id of this package's IdentifiedDataSerializable types. */
    public static final int FACTORY_ID = 7_102;

    private ConfigMaps() {
    }

    /** Registers the serializers and both maps' configs. */
    public static void register(Config config) {
        Objects.requireNonNull(config, "config");
        config.getSerializationConfig().addDataSerializableFactory(FACTORY_ID, new ConfigSerializableFactory());
        config.addMapConfig(ClusterMember.applyQuorum(new MapConfig(CONFIG_MAP)
                .setBackupCount(2)
                .setStatisticsEnabled(false)
                .setMergePolicyConfig(new MergePolicyConfig(HigherVersionMergePolicy.class.getName(), 1))));
        config.addMapConfig(ClusterMember.applyQuorum(new MapConfig(NODES_MAP)
                .setBackupCount(2)
                .setStatisticsEnabled(false)
                .setMergePolicyConfig(new MergePolicyConfig(PutIfAbsentMergePolicy.class.getName(), 100))));
    }
}
