package dev.gateway.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.SerializerConfig;
import dev.gateway.limiter.KeySpace;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitMapsTest {

    @Test
    void registersBothMapsWithOneSynchronousBackupAndNoMaxIdle() {
        Config config = new Config();
        RateLimitMaps.register(config);
        for (String name : new String[] {RateLimitMaps.BUCKETS_MAP, RateLimitMaps.WINDOWS_MAP}) {
            MapConfig map = config.getMapConfigOrNull(name);
            assertThat(map).as(name).isNotNull();
            assertThat(map.getBackupCount()).isEqualTo(1);
            assertThat(map.getAsyncBackupCount()).isZero();
            assertThat(map.isReadBackupData()).isFalse();
            assertThat(map.isStatisticsEnabled()).isFalse();
            assertThat(map.getMaxIdleSeconds()).isZero();
        }
    }

    @Test
    void registersTheSerializers() {
        Config config = new Config();
        RateLimitMaps.register(config);
        assertThat(config.getSerializationConfig().getDataSerializableFactories())
                .containsKey(RateLimitMaps.FACTORY_ID);
        assertThat(config.getSerializationConfig().getSerializerConfigs())
                .extracting(SerializerConfig::getTypeClass).extracting(Class::getName)
                .containsExactlyInAnyOrder(
                        "io.github.bucket4j.grid.hazelcast.HazelcastEntryProcessor",
                        "io.github.bucket4j.grid.hazelcast.SimpleBackupProcessor",
                        "io.github.bucket4j.grid.hazelcast.HazelcastOffloadableEntryProcessor",
                        "io.github.bucket4j.grid.hazelcast.VersionedBackupProcessor");
        LimitsSerializableFactory factory = new LimitsSerializableFactory();
        assertThat(factory.create(LimitsSerializableFactory.SLIDING_WINDOW_PROCESSOR)).isInstanceOf(SlidingWindowProcessor.class);
        assertThat(factory.create(LimitsSerializableFactory.SLIDING_WINDOW_BACKUP)).isInstanceOf(SlidingWindowBackup.class);
        assertThat(factory.create(99)).isNull();
    }

    @Test
    void theBackupsAreConfigurable() {
        Config config = new Config();
        RateLimitMaps.register(config, java.time.Duration.ZERO, 2);
        assertThat(config.getMapConfig(RateLimitMaps.BUCKETS_MAP).getBackupCount()).isEqualTo(2);
        assertThat(config.getMapConfig(RateLimitMaps.WINDOWS_MAP).getBackupCount()).isEqualTo(2);
        assertThatThrownBy(() -> RateLimitMaps.register(new Config(), java.time.Duration.ZERO, 7))
                .hasMessage("backups: 7 (expected: 0..6)");
    }

    @Test
    void aMaxIdleBackstopIsOptional() {
        Config config = new Config();
        RateLimitMaps.register(config, Duration.ofDays(3));
        assertThat(config.getMapConfig(RateLimitMaps.BUCKETS_MAP).getMaxIdleSeconds()).isEqualTo(259_200);
        assertThatThrownBy(() -> RateLimitMaps.register(new Config(), Duration.ofSeconds(-1)))
                .hasMessageStartingWith("maxIdle: PT-1S (expected: 0s to ");
    }

    @Test
    void aKeySpaceGetsCopiesOfTheSharedMapsWithAnLfuBoundPerPartition() {
        Config config = new Config();
        RateLimitMaps.register(config, Duration.ZERO, 2);
        config.getMapConfig(RateLimitMaps.BUCKETS_MAP).setSplitBrainProtectionName("quorum");
        KeySpace space = new KeySpace("per-tenant", 1_000_000);
        MapConfig map = RateLimitMaps.spaceConfig(config.getMapConfig(RateLimitMaps.BUCKETS_MAP),
                RateLimitMaps.bucketsMap(space), space, 271);
        assertThat(map.getName()).isEqualTo("gateway.rate-limits.space.per-tenant.max-1000000");
        assertThat(RateLimitMaps.windowsMap(space)).isEqualTo("gateway.rate-limits.windows.space.per-tenant.max-1000000");
        assertThat(map.getBackupCount()).isEqualTo(2);
        assertThat(map.getSplitBrainProtectionName()).isEqualTo("quorum");
        assertThat(map.isStatisticsEnabled()).isTrue();
        assertThat(map.getEvictionConfig().getEvictionPolicy()).isEqualTo(EvictionPolicy.LFU);
        assertThat(map.getEvictionConfig().getMaxSizePolicy()).isEqualTo(MaxSizePolicy.PER_PARTITION);
        assertThat(map.getEvictionConfig().getSize()).isEqualTo(3_691); // ceil(1e6 / 271), plus one: at most 1 000 532 in all
        assertThat(config.getMapConfig(RateLimitMaps.BUCKETS_MAP).getEvictionConfig().getEvictionPolicy())
                .as("the shared map is untouched").isEqualTo(EvictionPolicy.NONE);
    }

    @Test
    void aPartitionHoldsAtLeastOneEntry() {
        assertThat(RateLimitMaps.perPartition(1, 271)).isEqualTo(1);
        assertThat(RateLimitMaps.perPartition(271, 271)).isEqualTo(1);
        assertThat(RateLimitMaps.perPartition(272, 271)).isEqualTo(2);
        assertThat(RateLimitMaps.perPartition(Integer.MAX_VALUE, 1)).isEqualTo(Integer.MAX_VALUE);
    }
}
