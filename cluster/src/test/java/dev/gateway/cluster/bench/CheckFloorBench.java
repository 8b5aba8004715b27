package dev.gateway.cluster.bench;

import static org.awaitility.Awaitility.await;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.gateway.cluster.limits.HazelcastRateLimiter;
import dev.gateway.cluster.limits.RateLimitMaps;
import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.RateLimiter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The latency floor under a distributed rate-limit check, on this machine: how long the plain Hazelcast calls the
 * check is built from take, beside the check itself, between gateway-configured members in separate JVMs. A
 * benchmark run by {@code bench/check-floor.sh}, not a test.
 *
 * <p>Modes, each on a key another member owns, one call at a time per client thread:
 * <ul>
 *   <li>{@code get}: a read on the owner, no backup: one round trip.</li>
 *   <li>{@code set+backup}: a write on a map with one synchronous backup, as the limit maps have: the round trip
 *   plus the backup's acknowledgement, which comes from a third member.</li>
 *   <li>{@code check}: {@link HazelcastRateLimiter#tryConsume} of one token of a bucket that never runs out:
 *   bucket4j's entry processor on the owner, its synchronous backup, and the limiter's own work.</li>
 * </ul>
 * The modes alternate in rounds, so a noisy minute of the machine falls on all of them. Each call is timed from
 * before it is made until the client thread sees its answer (which includes waking that thread).
 *
 * <p>Usage: {@code CheckFloorBench member <port> <all ports, comma-separated> [max seconds]} runs a member until
 * it is killed or the time is up; {@code CheckFloorBench measure <port> <all ports> [--calls N] [--warmup N]
 * [--rounds R] [--threads T]} joins, waits for the whole cluster, measures and prints one {@code RESULT} line
 * per mode.
 */
public final class CheckFloorBench {
    private static final String CLUSTER = "check-floor";
    private static final String NO_BACKUP_MAP = "floor.no-backup";
    private static final String BACKUP_MAP = "floor.backup";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLUSTER_WAIT = Duration.ofSeconds(120);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final LimitSpec NEVER_EMPTY =
            LimitSpec.of(LimitSpec.Algorithm.TOKEN_BUCKET, 1_000_000_000, Duration.ofSeconds(1), null);

    private CheckFloorBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        ClusterMember.raiseCommonPoolParallelism(8); // as the node does, before any pool is touched
        if (args.length < 3 || !(args[0].equals("member") || args[0].equals("measure"))) {
            System.err.println("usage: CheckFloorBench member <port> <ports> [max seconds]"
                    + " | measure <port> <ports> [--calls N] [--warmup N] [--rounds R] [--threads T]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        List<HostPort> all = Arrays.stream(args[2].split(","))
                .map(p -> new HostPort("127.0.0.1", Integer.parseInt(p.trim()))).toList();
        ClusterMember member = start(port, all);
        try {
            if (args[0].equals("member")) {
                long maxSeconds = args.length > 3 ? Long.parseLong(args[3]) : 3_600;
                System.out.println("READY member " + port);
                Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds)); // the script stops it sooner, by PID
                return;
            }
            Options options = Options.parse(Arrays.copyOfRange(args, 3, args.length));
            awaitCluster(member, all.size());
            measure(member.hazelcast(), options);
        } finally {
            member.hazelcast().getLifecycleService().terminate();
        }
    }

    private record Options(int calls, int warmup, int rounds, int threads) {
        static Options parse(String[] args) {
            int calls = 20_000;
            int warmup = 20_000;
            int rounds = 3;
            int threads = 1;
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                int value = Integer.parseInt(args[i + 1].replace("_", ""));
                if (value < 1) {
                    throw new IllegalArgumentException(args[i] + ": " + value + " (expected: >= 1)");
                }
                switch (args[i]) {
                    case "--calls" -> calls = value;
                    case "--warmup" -> warmup = value;
                    case "--rounds" -> rounds = value;
                    case "--threads" -> threads = value;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(calls, warmup, rounds, threads);
        }
    }

    /** A member configured as a gateway node configures it, plus the two plain maps of the floor modes. */
    private static ClusterMember start(int port, List<HostPort> all) {
        HostPort self = new HostPort("127.0.0.1", port);
        ClusterSettings settings = new ClusterSettings(CLUSTER, self, new Discovery(all, null), all.size(), 1, true);
        return ClusterMember.start(settings, "floor-" + port, config -> {
            RateLimitMaps.register(config);
            config.getMapConfig(RateLimitMaps.BUCKETS_MAP).setSplitBrainProtectionName(ClusterMember.QUORUM_NAME);
            config.getMapConfig(RateLimitMaps.WINDOWS_MAP).setSplitBrainProtectionName(ClusterMember.QUORUM_NAME);
            config.addMapConfig(new MapConfig(NO_BACKUP_MAP).setBackupCount(0).setStatisticsEnabled(false));
            config.addMapConfig(new MapConfig(BACKUP_MAP).setBackupCount(1).setAsyncBackupCount(0)
                    .setStatisticsEnabled(false));
            config.setProperty("hazelcast.shutdownhook.enabled", "false");
        });
    }

    /** Until every member has joined, every partition has an owner and no migration is left (120 s at most). */
    private static void awaitCluster(ClusterMember member, int size) {
        HazelcastInstance hazelcast = member.hazelcast();
        await("all " + size + " members joined").atMost(CLUSTER_WAIT).pollInterval(POLL)
                .until(() -> member.size() >= size);
        hazelcast.getMap(NO_BACKUP_MAP).set("floor/arrange", 0L); // partitions are assigned on first use
        await("every partition owned and in sync").atMost(CLUSTER_WAIT).pollInterval(POLL)
                .until(() -> member.partitionsSafe() && hazelcast.getPartitionService().getPartitions().stream()
                        .allMatch(p -> p.getOwner() != null));
    }

    private static void measure(HazelcastInstance hazelcast, Options options) throws Exception {
        Member local = hazelcast.getCluster().getLocalMember();
        String key = keyOwnedElsewhere(hazelcast, local);
        Member owner = hazelcast.getPartitionService().getPartition(key).getOwner();
        System.out.printf(Locale.ROOT, "cluster of %d, key '%s' owned by %s (this member: %s), %d client thread(s)%n",
                hazelcast.getCluster().getMembers().size(), key, owner.getAddress(), local.getAddress(), options.threads());

        IMap<String, Long> noBackup = hazelcast.getMap(NO_BACKUP_MAP);
        IMap<String, Long> backup = hazelcast.getMap(BACKUP_MAP);
        noBackup.set(key, 1L);
        RateLimiter limiter = new HazelcastRateLimiter(hazelcast, CALL_TIMEOUT);
        Map<String, Supplier<CompletionStage<?>>> modes = new LinkedHashMap<>();
        modes.put("get", () -> noBackup.getAsync(key));
        modes.put("set+backup", () -> backup.setAsync(key, 1L));
        modes.put("check", () -> limiter.tryConsume(key, NEVER_EMPTY));

        Map<String, List<long[]>> samples = new LinkedHashMap<>();
        modes.keySet().forEach(mode -> samples.put(mode, new ArrayList<>()));
        for (var mode : modes.entrySet()) { // JIT and connections: not counted
            run(mode.getValue(), options.warmup(), options.threads());
        }
        for (int round = 1; round <= options.rounds(); round++) {
            for (var mode : modes.entrySet()) {
                long[] gcBefore = gc();
                long[] latencies = run(mode.getValue(), options.calls(), options.threads());
                long[] gcAfter = gc();
                samples.get(mode.getKey()).add(latencies);
                System.out.printf(Locale.ROOT, "round %d %-10s %s (this JVM: %d GCs, %d ms)%n", round, mode.getKey(),
                        Percentiles.of(latencies), gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1]);
            }
        }
        for (var mode : samples.entrySet()) {
            long[] merged = mode.getValue().stream().flatMapToLong(Arrays::stream).toArray();
            System.out.printf(Locale.ROOT, "RESULT %s: %s%n", mode.getKey(), Percentiles.of(merged));
        }
    }

    /** This JVM's garbage collections so far: count and milliseconds. */
    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, collector.getCollectionCount());
            millis += Math.max(0, collector.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /** {@code calls} calls over {@code threads} threads, one at a time each: every call's latency in ns. */
    private static long[] run(Supplier<CompletionStage<?>> call, int calls, int threads) throws Exception {
        long[] latencies = new long[calls];
        CountDownLatch done = new CountDownLatch(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            new Thread(() -> {
                try {
                    for (int i = first; i < calls; i += threads) {
                        long start = System.nanoTime();
                        call.get().toCompletableFuture().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                        latencies[i] = System.nanoTime() - start;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "floor-client-" + t).start();
        }
        if (!done.await(calls * CALL_TIMEOUT.toMillis() / threads + 60_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("calls did not finish");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a call failed: " + failure.get(), failure.get());
        }
        return latencies;
    }

    private static String keyOwnedElsewhere(HazelcastInstance hazelcast, Member local) {
        for (int i = 0; i < 10_000; i++) {
            String key = "floor/k:" + i;
            if (!hazelcast.getPartitionService().getPartition(key).getOwner().equals(local)) {
                return key;
            }
        }
        throw new IllegalStateException("this member owns every partition");
    }
}
