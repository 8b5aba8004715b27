package dev.gateway.cluster.cache;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;

/**
 * The cluster's response cache, map {@value #CACHE_MAP}: binary values, no backup (a lost entry is a miss, not
 * lost data), bounded at {@value #MAX_MB_PER_MEMBER} MB of heap per member with LRU eviction, per-entry TTL.
 */
public final class CacheMaps {
    public static final String CACHE_MAP = "gateway.cache";
    public static final int FACTORY_ID = 7_104;
    public static final int MAX_MB_PER_MEMBER = 64;

    private CacheMaps() {
    }

    public static void register(Config config) {
        config.getSerializationConfig().addDataSerializableFactory(FACTORY_ID,
                typeId -> typeId == StoredResponseValue.CLASS_ID ? new StoredResponseValue() : null);
        config.addMapConfig(new MapConfig(CACHE_MAP)
                .setInMemoryFormat(InMemoryFormat.BINARY)
                .setBackupCount(0)
                .setStatisticsEnabled(true)
                .setEvictionConfig(new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.USED_HEAP_SIZE)
                        .setSize(MAX_MB_PER_MEMBER)));
    }
}
