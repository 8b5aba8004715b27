package dev.gateway.cluster.bench;

import com.hazelcast.core.HazelcastInstance;
import dev.gateway.cluster.limits.HazelcastRateLimiter;
import dev.gateway.cluster.limits.RateLimitMaps;
import dev.gateway.cluster.member.ClusterMember;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import dev.gateway.limiter.Decision;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.limiter.RateLimiter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap per idle rate-limit bucket, on one embedded Hazelcast member configured as a gateway node
 * configures it ({@link ClusterMember#start} with {@link RateLimitMaps#register} and the quorum on
 * both maps, as {@code GatewayCluster.start} does). A benchmark run by {@code bench/bucket-memory.sh},
 * not a test (the name does not end in {@code Test}, so Surefire never runs it).
 *
 * <p>Phases: measure the used heap after {@code System.gc()} (the lowest of several rounds); create
 * {@code N} token buckets on distinct keys, one {@code tryConsume} each, in batches (at most one batch
 * in flight); measure again; print bytes per bucket. Then the same for sliding windows, unless
 * {@code --no-sliding-window}. The specs have a one-day period, so no entry expires during the run
 * (a token bucket expires once full again, a window after both windows have passed); the map sizes
 * are checked at the end of each phase.
 *
 * <p>One member holds every entry and no backup (a single member has nowhere to put one). In a
 * cluster each bucket also has one synchronous backup, so the cluster-wide cost is about twice the
 * figure printed here, spread over the members.
 *
 * <p>Usage: {@code BucketMemoryBench [N] [--batch B] [--no-sliding-window] [--gc-rounds R]}; N defaults
 * to 1 000 000, B to 1 000. Run with {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=8}
 * (it raises it itself when the property is absent, as the node does) and a heap large enough for N.
 */
public final class BucketMemoryBench {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final int WARM_UP_KEYS = 2_000;

    private final HazelcastInstance hazelcast;
    private final RateLimiter limiter;
    private final int batch;
    private final int gcRounds;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    private BucketMemoryBench(HazelcastInstance hazelcast, RateLimiter limiter, int batch, int gcRounds) {
        this.hazelcast = hazelcast;
        this.limiter = limiter;
        this.batch = batch;
        this.gcRounds = gcRounds;
    }

    public static void main(String[] args) throws Exception {
        // before any logger, common-pool or Hazelcast class is touched
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int parallelism = ClusterMember.raiseCommonPoolParallelism(8);

        int n = 1_000_000;
        int batch = 1_000;
        int gcRounds = 5;
        boolean slidingWindow = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--batch" -> batch = positive(args, ++i, "--batch");
                case "--gc-rounds" -> gcRounds = positive(args, ++i, "--gc-rounds");
                case "--no-sliding-window" -> slidingWindow = false;
                case "-h", "--help" -> {
                    System.out.println("usage: BucketMemoryBench [N] [--batch B] [--no-sliding-window] [--gc-rounds R]");
                    return;
                }
                default -> n = positive(args, i, "N");
            }
        }

        Runtime runtime = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "java %s, max heap %d MiB, %d CPUs, common pool parallelism %d%n",
                System.getProperty("java.version"), runtime.maxMemory() >> 20, runtime.availableProcessors(), parallelism);
        if (parallelism < 2) {
            System.out.println("WARNING: common pool parallelism " + parallelism
                    + ": Hazelcast starts a thread per async callback; pass -Djava.util.concurrent.ForkJoinPool.common.parallelism=8");
        }

        int port = freeLoopbackPort();
        HostPort self = new HostPort("127.0.0.1", port);
        ClusterSettings settings = new ClusterSettings("bucket-memory-" + UUID.randomUUID().toString().substring(0, 8),
                self, new Discovery(List.of(self), null), 1, 1);
        long started = System.nanoTime();
        ClusterMember member = ClusterMember.start(settings, "bench", config -> {
            RateLimitMaps.register(config);
            config.getMapConfig(RateLimitMaps.BUCKETS_MAP).setSplitBrainProtectionName(ClusterMember.QUORUM_NAME);
            config.getMapConfig(RateLimitMaps.WINDOWS_MAP).setSplitBrainProtectionName(ClusterMember.QUORUM_NAME);
            config.setProperty("hazelcast.shutdownhook.enabled", "false");
        });
        try {
            System.out.printf(Locale.ROOT, "member on %s started in %d ms, %s partitions%n", self,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    member.hazelcast().getPartitionService().getPartitions().size());
            RateLimiter limiter = new HazelcastRateLimiter(member.hazelcast(), CALL_TIMEOUT);
            BucketMemoryBench bench = new BucketMemoryBench(member.hazelcast(), limiter, batch, gcRounds);
            System.out.printf(Locale.ROOT, "N = %,d per phase, batches of %,d, keys like '%s'%n", n, batch, key("tb", 0));

            boolean ok = bench.phase("token bucket", "tb", RateLimitMaps.BUCKETS_MAP,
                    LimitSpec.of(LimitSpec.Algorithm.TOKEN_BUCKET, 10, Duration.ofDays(1), null), n);
            if (slidingWindow) {
                ok &= bench.phase("sliding window", "sw", RateLimitMaps.WINDOWS_MAP,
                        LimitSpec.of(LimitSpec.Algorithm.SLIDING_WINDOW, 10, Duration.ofDays(1), null), n);
            }
            if (!ok) {
                System.exit(1);
            }
        } finally {
            member.hazelcast().shutdown();
        }
    }

    /** One phase; false when some call failed or entries are missing at the end. */
    private boolean phase(String name, String prefix, String map, LimitSpec spec, int n) throws Exception {
        System.out.printf(Locale.ROOT, "%n== %s: %s%n", name, spec);
        // warm-up on other keys: classes, serializers, per-partition record stores, thread-locals
        Result warm = create(prefix + "-warm", spec, WARM_UP_KEYS);
        long before = usedHeap("heap before");
        long t0 = System.nanoTime();
        Result created = create(prefix, spec, n);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "created %,d in %.1f s (%,.0f calls/s): %,d allowed, %,d refused, %,d failed%s%n",
                n, seconds, n / seconds, created.allowed, created.refused, created.failed,
                created.firstFailure == null ? "" : " (first: " + created.firstFailure + ")");
        long after = usedHeap("heap after ");
        int size = hazelcast.getMap(map).size();
        int expected = n + WARM_UP_KEYS - (int) (created.failed + warm.failed);
        double perEntry = (after - before) / (double) n;
        System.out.printf(Locale.ROOT, "map '%s': %,d entries (expected %,d)%n", map, size, expected);
        System.out.printf(Locale.ROOT, "RESULT %s: %,d bytes of heap for %,d idle entries = %.0f bytes per %s%n",
                name, after - before, n, perEntry, name);
        boolean ok = created.failed == 0 && warm.failed == 0 && size == expected;
        if (!ok) {
            System.out.println("WARNING: failed calls or missing entries: the figure above is not reliable");
        }
        return ok;
    }

    private record Result(long allowed, long refused, long failed, String firstFailure) {
    }

    /** n distinct keys, one tryConsume each, one batch in flight at a time. */
    private Result create(String prefix, LimitSpec spec, int n) throws Exception {
        AtomicLong allowed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        String[] firstFailure = new String[1];
        int step = Math.max(1, n / 10);
        int nextReport = step;
        List<CompletableFuture<Decision>> inFlight = new ArrayList<>(batch);
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            inFlight.clear();
            for (int i = from; i < to; i++) {
                inFlight.add(limiter.tryConsume(key(prefix, i), spec).toCompletableFuture()
                        .whenComplete((d, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                                synchronized (firstFailure) {
                                    if (firstFailure[0] == null) {
                                        firstFailure[0] = String.valueOf(e);
                                    }
                                }
                            } else if (d.allowed()) {
                                allowed.incrementAndGet();
                            } else {
                                refused.incrementAndGet();
                            }
                        }));
            }
            try {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                        .get(CALL_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // counted per call above
            }
            if (n >= 100_000 && to >= nextReport) {
                System.out.printf(Locale.ROOT, "  %,d / %,d%n", to, n);
                nextReport += step;
            }
        }
        return new Result(allowed.get(), refused.get(), failed.get(), firstFailure[0]);
    }

    /** The lowest used heap over a few full GCs (background threads allocate a little between them). */
    private long usedHeap(String label) throws InterruptedException {
        long lowest = Long.MAX_VALUE;
        StringBuilder rounds = new StringBuilder();
        for (int i = 0; i < gcRounds; i++) {
            System.gc();
            Thread.sleep(300);
            long used = memory.getHeapMemoryUsage().getUsed();
            lowest = Math.min(lowest, used);
            rounds.append(i == 0 ? "" : ", ").append(used >> 10).append(" KiB");
        }
        System.out.printf(Locale.ROOT, "%s: %,d KiB used (lowest of %s)%n", label, lowest >> 10, rounds);
        return lowest;
    }

    /** A key shaped as the node builds them: {@code policy/part}, here a consumer id. */
    private static String key(String prefix, int i) {
        return String.format(Locale.ROOT, "per-consumer/c:%s-user-%07d", prefix, i);
    }

    private static int positive(String[] args, int i, String what) {
        if (i >= args.length) {
            throw new IllegalArgumentException(what + " needs a value");
        }
        try {
            int v = Integer.parseInt(args[i].replace("_", ""));
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(what + ": '" + args[i] + "' (expected: a positive integer)");
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
