package dev.gateway.cluster.limits;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.SerializationConfig;
import dev.gateway.cluster.member.ClusterClient;
import com.hazelcast.core.HazelcastInstance;
import dev.gateway.limiter.KeySpace;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 *
 * <p>Key spaces (a policy's {@code max-keys}): the buckets of a {@link KeySpace} live in two maps of their own,
 * {@link #bucketsMap} and {@link #windowsMap}, added to the running cluster by {@link #addSpace} (Hazelcast's
 * dynamic configuration: every member gets it, and so does a member that joins later). They are copies of the two
 * maps above with statistics on and an eviction bound: at most {@link #perPartition} entries in each partition,
 * least frequently used first, so the cluster holds at most about {@code partitions x (ceil(maxKeys / partitions)
 * + 1)} entries (maxKeys plus less than two per partition: Hazelcast evicts down to the size before it adds a new
 * entry, so a full partition holds its size plus one; measured in bench/bucket-memory.sh) and starts evicting once the fullest partition reaches its share:
 * with keys spread evenly by hash, at about maxKeys minus a few standard deviations of a partition's share.
 * Hazelcast evicts on the partition's thread, as part of a write, and removes the backups with it. The bound is in each map's name, so a new {@code max-keys} is a new pair of maps (Hazelcast refuses to change
 * a map's config): that policy's buckets then start full, once, and the old maps' entries expire as usual.
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

    /** The executor a client-mode node asks a member through to add a key space's maps. */
    static final String SPACES_EXECUTOR = "gateway.rate-limits.spaces";

    /** How long a client-mode node waits for a member to add a key space's maps (a retry follows a failure). */
    static final Duration ADD_SPACE_TIMEOUT = Duration.ofSeconds(10);

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

    /** The bucket map of a key space (token, leaky bucket, fixed window). */
    public static String bucketsMap(KeySpace space) {
        return BUCKETS_MAP + ".space." + space.name() + ".max-" + space.maxKeys();
    }

    /** The sliding-window map of a key space. */
    public static String windowsMap(KeySpace space) {
        return WINDOWS_MAP + ".space." + space.name() + ".max-" + space.maxKeys();
    }

    /** The entries each partition may hold for a bound of {@code maxKeys} over {@code partitions} partitions. */
    static int perPartition(long maxKeys, int partitions) {
        return (int) Math.max(1, (maxKeys + partitions - 1) / partitions);
    }

    /**
     * Adds {@code space}'s two maps to the cluster's configuration, modelled on {@link #BUCKETS_MAP} and
     * {@link #WINDOWS_MAP} as a member has them (backups, expiry, split-brain protection). On a member, its own; on a
     * client-mode node, a member's: the client asks one ({@link AddSpaceCall}), so the maps get the members'
     * {@code backups} whatever the client's section says. Blocking: a call to every member; never on a request thread.
     * Adding the same space again is a no-op; a member whose base maps differ (another {@code backups}) gets
     * Hazelcast's {@code InvalidConfigurationException}.
     */
    static void addSpace(HazelcastInstance hazelcast, KeySpace space) {
        if (ClusterClient.memberConfig(hazelcast).isPresent()) {
            addSpaceOnAMember(hazelcast, space);
            return;
        }
        Config config = hazelcast.getConfig();
        int partitions = hazelcast.getPartitionService().getPartitions().size();
        config.addMapConfig(spaceConfig(config.findMapConfig(BUCKETS_MAP), bucketsMap(space), space, partitions));
        config.addMapConfig(spaceConfig(config.findMapConfig(WINDOWS_MAP), windowsMap(space), space, partitions));
    }

    private static void addSpaceOnAMember(HazelcastInstance client, KeySpace space) {
        try {
            client.getExecutorService(SPACES_EXECUTOR).submit(new AddSpaceCall(space))
                    .get(ADD_SPACE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while adding the maps of " + space, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("a member could not add the maps of " + space + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no member added the maps of " + space + " within " + ADD_SPACE_TIMEOUT, e);
        }
    }

    static MapConfig spaceConfig(MapConfig base, String name, KeySpace space, int partitions) {
        return new MapConfig(base).setName(name)
                .setStatisticsEnabled(true) // entry counts, evictions and memory cost, for metrics
                .setEvictionConfig(new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LFU)
                        .setMaxSizePolicy(MaxSizePolicy.PER_PARTITION)
                        .setSize(perPartition(space.maxKeys(), partitions)));
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
