package dev.gateway.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.MapConfig;
import dev.gateway.cluster.SharedMaps;
import dev.gateway.cluster.member.ClusterClient;
import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import dev.gateway.limiter.KeySpace;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A key space's maps added from a client-mode node are the members' maps: a dedicated member started with
 * {@code backups: 2} (port 5881) holds them with two synchronous backups, its split-brain protection and the space's
 * eviction bound, whatever {@code backups} the client's own section says (0 here).
 */
class ClientKeySpaceBackupsTest {
    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    @Test
    void aKeySpaceAddedByAClientGetsTheMembersBackupCount() {
        String name = "space-backups-" + UUID.randomUUID().toString().substring(0, 8);
        HostPort address = new HostPort("127.0.0.1", 5881);
        ClusterSettings memberSettings = new ClusterSettings(name, address, new Discovery(List.of(address), null), 1, 1,
                true, 2);
        ClusterSettings clientSettings = new ClusterSettings(name, ClusterSettings.DEFAULT_LISTEN,
                new Discovery(List.of(address), null), 1, 1, true, 0, ClusterSettings.Mode.CLIENT);
        KeySpace space = new KeySpace("per-tenant", 10_000);
        // as DataMember starts one (gateway-node member)
        try (ClusterMember member = ClusterMember.start(memberSettings, "member-1",
                config -> SharedMaps.register(config, memberSettings));
             ClusterClient client = ClusterClient.start(clientSettings, "gw-1",
                     config -> SharedMaps.register(config, clientSettings))) {
            RateLimitMaps.addSpace(client.hazelcast(), space);

            var config = member.hazelcast().getConfig();
            for (String map : List.of(RateLimitMaps.bucketsMap(space), RateLimitMaps.windowsMap(space))) {
                MapConfig added = config.findMapConfig(map);
                assertThat(added.getName()).isEqualTo(map);
                assertThat(added.getBackupCount()).as("%s: the member's backups, not the client's", map).isEqualTo(2);
                assertThat(added.getAsyncBackupCount()).isZero();
                assertThat(added.getSplitBrainProtectionName()).isEqualTo(ClusterMember.QUORUM_NAME);
                assertThat(added.getEvictionConfig().getSize()).isEqualTo(RateLimitMaps.perPartition(10_000, 271));
            }
            // the client uses the maps as the member configured them
            client.hazelcast().getMap(RateLimitMaps.bucketsMap(space)).put("k", new byte[] {1});
            assertThat(member.hazelcast().getMap(RateLimitMaps.bucketsMap(space)).size()).isEqualTo(1);
        }
    }
}
