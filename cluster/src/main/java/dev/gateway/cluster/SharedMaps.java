package dev.gateway.cluster;

import com.hazelcast.config.Config;
import dev.gateway.cluster.breakers.BreakerMaps;
import dev.gateway.cluster.cache.CacheMaps;
import dev.gateway.cluster.config.ConfigMaps;
import dev.gateway.cluster.history.HistoryMaps;
import dev.gateway.cluster.limits.RateLimitMaps;
import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.cluster.summary.SummaryMaps;
import dev.gateway.config.ClusterSettings;
import java.time.Duration;

/**
 * Everything a member holding the gateway's shared state needs in its config: every map config (backups, expiry,
 * split-brain protection), serializer factory and merge policy of the shared services. The one path for an
 * embedded node's member, a dedicated member ({@link DataMember}) and the model a client-mode node builds its
 * serialization from ({@link dev.gateway.cluster.member.ClusterClient}), so the three cannot drift apart.
 */
public final class SharedMaps {
    private SharedMaps() {
    }

    public static void register(Config config, ClusterSettings settings) {
        RateLimitMaps.register(config, Duration.ZERO, settings.backups());
        ConfigMaps.register(config);
        BreakerMaps.register(config, settings.backups());
        CacheMaps.register(config);
        SummaryMaps.register(config);
        HistoryMaps.register(config);
        config.getMapConfig(RateLimitMaps.BUCKETS_MAP).setSplitBrainProtectionName(ClusterMember.QUORUM_NAME);
        config.getMapConfig(RateLimitMaps.WINDOWS_MAP).setSplitBrainProtectionName(ClusterMember.QUORUM_NAME);
    }
}
