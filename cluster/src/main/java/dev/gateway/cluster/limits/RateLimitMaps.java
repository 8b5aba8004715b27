package dev.gateway.cluster.limits;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SerializationConfig;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import java.time.Duration;
import java.util.Objects;

/**
 * What a member's {@link Config} needs before {@link HazelcastRateLimiter} can run on it: the two maps and
 * the serializers of what travels to the key owners. Call {@link #register(Config)} once, on every member,
 * before the instance starts.
 *
 * <p>Serialization: nothing here uses Java serialization, so the deserialization allow-list needs no entry
 * for it. The sliding-window entry processors are {@code IdentifiedDataSerializable} (factory
 * {@link #FACTORY_ID}); bucket4j's entry and backup processors get bucket4j's own stream serializers (type
 * ids {@link #BUCKET4J_TYPE_ID_BASE} to {@code +3}); values are {@code byte[]} and {@code long[]} and keys
 * {@code String}, all Hazelcast built-ins.
 *
 * <p>Expiry: each entry carries its own time-to-live, set on every write to "until the bucket is full again"
 * (bucket4j's {@code basedOnTimeForRefillingBucketUpToMax}) or "until both windows have passed" (sliding
 * windows), plus {@link HazelcastRateLimiter#KEEP_AFTER_FULL}. An entry vanishes exactly when forgetting it
 * changes no decision. A map-wide max-idle would be blunter: a bucket still short of full after max-idle
 * would vanish and come back full (a daily quota idle for an hour would be reset), so it is off by default;
 * {@link #register(Config, Duration)} sets one as a backstop, which must exceed the longest policy period
 * (twice it for sliding windows).
 */
public final class RateLimitMaps {

    /** bucket4j's buckets (token bucket, leaky bucket, fixed window): bucket4j's serialized state. */
    public static final String BUCKETS_MAP = "gateway.rate-limits";

    /** Sliding windows: {@link dev.gateway.limiter.SlidingWindow}'s {@code long[]} state. */
    public static final String WINDOWS_MAP = "gateway.rate-limits.windows";

    /** The data-serializable factory id of this package's entry processors. */
    public static final int FACTORY_ID = 7_101;

    /** bucket4j registers four stream serializers, with type ids from this one up. */
    public static final int BUCKET4J_TYPE_ID_BASE = 7_110;

    private RateLimitMaps() {
    }

    /** Registers serializers and both maps' configs (one synchronous backup, no statistics, per-entry TTL). */
    public static void register(Config config) {
        register(config, Duration.ZERO);
    }

    /**
     * As {@link #register(Config)}, with a map-wide max-idle backstop ({@link Duration#ZERO}: none). Whole
     * seconds; it must exceed twice the longest policy period, or idle buckets short of full get reset.
     */
    public static void register(Config config, Duration maxIdle) {
        register(config, maxIdle, 1);
    }

    /**
     * As {@link #register(Config, Duration)}, with {@code backups} synchronous backups of every bucket (0..6): a
     * bucket is lost, and starts full again, only when its owner and every backup die before the partition is
     * copied anew.
     */
    public static void register(Config config, Duration maxIdle, int backups) {
        Objects.requireNonNull(config, "config");
        if (backups < 0 || backups > 6) {
            throw new IllegalArgumentException("backups: " + backups + " (expected: 0..6)");
        }
        Objects.requireNonNull(maxIdle, "maxIdle");
        if (maxIdle.isNegative() || maxIdle.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxIdle: " + maxIdle + " (expected: 0s to " + Integer.MAX_VALUE + "s)");
        }
        SerializationConfig serialization = config.getSerializationConfig();
        serialization.addDataSerializableFactory(FACTORY_ID, new LimitsSerializableFactory());
        HazelcastProxyManager.addCustomSerializers(serialization, BUCKET4J_TYPE_ID_BASE);
        config.addMapConfig(mapConfig(BUCKETS_MAP, maxIdle, backups));
        config.addMapConfig(mapConfig(WINDOWS_MAP, maxIdle, backups));
    }

    static MapConfig mapConfig(String name, Duration maxIdle, int backups) {
        return new MapConfig(name)
                .setBackupCount(backups)
                .setAsyncBackupCount(0)
                .setReadBackupData(false)
                .setInMemoryFormat(InMemoryFormat.BINARY)
                .setStatisticsEnabled(false)
                .setMaxIdleSeconds((int) maxIdle.toSeconds());
    }
}
