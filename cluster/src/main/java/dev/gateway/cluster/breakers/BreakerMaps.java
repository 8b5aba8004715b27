package dev.gateway.cluster.breakers;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import dev.gateway.cluster.member.ClusterMember;
import java.util.Objects;

/**
 * What a member's {@link Config} needs before {@link HazelcastBreakerBoard} can run on it: the map
 * {@value #BREAKERS_MAP} (one entry per upstream, key the upstream's name) and the serializers of its values and
 * entry processors. Call {@link #register(Config)} once, on every member, before the instance starts.
 *
 * <p>The map keeps one synchronous backup (a member's death loses no breaker), is under the cluster's
 * split-brain protection (a minority side cannot decide), and has no statistics. Entries never expire: there is
 * one per upstream that was ever reported on, a few hundred bytes each. After a split heals, the larger side's
 * entries win (put-if-absent): with split-brain protection on, only the majority side could change them.
 * Nothing here uses Java serialization: values and processors are {@code IdentifiedDataSerializable} (factory
 * {@link #FACTORY_ID}), keys {@code String}.
 */
public final class BreakerMaps {

    /** The cluster-wide breakers, one {@code StoredBreakerState} per upstream. */
    public static final String BREAKERS_MAP = "gateway.breakers";

    /** The data-serializable factory id of this package's values and entry processors. */
    public static final int FACTORY_ID = 7_103;

    private BreakerMaps() {
    }

    /** Registers the serializer factory and the map's config, with one synchronous backup. */
    public static void register(Config config) {
        register(config, 1);
    }

    /** Registers the serializer factory and the map's config, with {@code backups} synchronous backups (0..6). */
    public static void register(Config config, int backups) {
        Objects.requireNonNull(config, "config");
        if (backups < 0 || backups > 6) {
            throw new IllegalArgumentException("backups: " + backups + " (expected: 0..6)");
        }
        config.getSerializationConfig().addDataSerializableFactory(FACTORY_ID, new BreakerSerializableFactory());
        config.addMapConfig(ClusterMember.applyQuorum(new MapConfig(BREAKERS_MAP)
                .setBackupCount(backups)
                .setAsyncBackupCount(0)
                .setReadBackupData(false)
                .setInMemoryFormat(InMemoryFormat.BINARY)
                .setStatisticsEnabled(false)
                .setMergePolicyConfig(new MergePolicyConfig(PutIfAbsentMergePolicy.class.getName(), 100))));
    }
}
