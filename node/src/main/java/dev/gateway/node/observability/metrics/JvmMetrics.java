package dev.gateway.node.observability.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.MetricSet;
import com.codahale.metrics.jvm.CachedThreadStatesGaugeSet;
import com.codahale.metrics.jvm.GarbageCollectorMetricSet;
import com.codahale.metrics.jvm.MemoryUsageGaugeSet;
import dev.gateway.node.observability.metrics.PrometheusExposition.Family;
import dev.gateway.node.observability.metrics.PrometheusExposition.Series;
import dev.gateway.node.observability.metrics.PrometheusExposition.Type;
import io.prometheus.metrics.model.snapshots.Labels;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * JVM basics from metrics-jvm (memory, GC, threads), registered as {@code jvm.*} in the
 * Dropwizard registry and exported with the names Prometheus' own JVM instrumentation uses:
 *
 * <pre>
 * jvm_memory_{used,committed,max}_bytes{area="heap"|"nonheap"}
 * jvm_memory_pool_{used,committed,max}_bytes{pool="G1 Eden Space"}     max is -1 when undefined
 * jvm_gc_collections_total{gc}  jvm_gc_collection_seconds_total{gc}
 * jvm_threads_state{state="RUNNABLE"|...}  jvm_threads_current  jvm_threads_daemon
 * jvm_threads_peak  jvm_threads_started_total  jvm_threads_deadlocked
 * jvm_allocated_bytes_total   heap bytes allocated by all threads since the JVM began
 * </pre>
 *
 * {@code jvm_allocated_bytes_total} is the allocation rate's counter (HotSpot's
 * {@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}, which counts finished threads
 * too): its rate over the request rate is the bytes allocated per request, the figure that sets how
 * often the young generation is collected. It is absent where the JVM does not measure allocation.
 *
 * Gauges metrics-jvm offers beyond these (usage ratios, init sizes, totals, the deadlocked
 * threads' stack traces) are not registered. Thread states are read from one thread dump cached
 * for a second, not one dump per state.
 */
final class JvmMetrics {
    private static final Pattern WHITESPACE = Pattern.compile("[\\s]+");

    private static final Family[] MEMORY = {
            new Family("jvm_memory_used_bytes", Type.GAUGE, "Used bytes of a JVM memory area."),
            new Family("jvm_memory_committed_bytes", Type.GAUGE, "Committed bytes of a JVM memory area."),
            new Family("jvm_memory_max_bytes", Type.GAUGE, "Max bytes of a JVM memory area (-1 when undefined)."),
    };
    private static final Family[] POOL = {
            new Family("jvm_memory_pool_used_bytes", Type.GAUGE, "Used bytes of a JVM memory pool."),
            new Family("jvm_memory_pool_committed_bytes", Type.GAUGE, "Committed bytes of a JVM memory pool."),
            new Family("jvm_memory_pool_max_bytes", Type.GAUGE, "Max bytes of a JVM memory pool (-1 when undefined)."),
    };
    private static final String[] MEMORY_KINDS = {"used", "committed", "max"};
    private static final Family GC_COLLECTIONS =
            new Family("jvm_gc_collections", Type.COUNTER, "Collections run by a garbage collector.");
    private static final Family GC_SECONDS =
            new Family("jvm_gc_collection_seconds", Type.COUNTER, "Time spent in collections by a garbage collector.");
    private static final Family THREADS_STATE =
            new Family("jvm_threads_state", Type.GAUGE, "Live JVM threads by state.");
    private static final Family THREADS_CURRENT = new Family("jvm_threads_current", Type.GAUGE, "Live JVM threads.");
    private static final Family THREADS_DAEMON = new Family("jvm_threads_daemon", Type.GAUGE, "Live daemon threads.");
    private static final Family THREADS_PEAK = new Family("jvm_threads_peak", Type.GAUGE, "Peak live thread count.");
    private static final Family THREADS_STARTED =
            new Family("jvm_threads_started", Type.COUNTER, "Threads started since the JVM began.");
    private static final Family THREADS_DEADLOCKED =
            new Family("jvm_threads_deadlocked", Type.GAUGE, "Threads in a deadlock.");
    private static final Family ALLOCATED =
            new Family("jvm_allocated_bytes", Type.COUNTER, "Heap bytes allocated by all threads since the JVM began.");

    private JvmMetrics() {
    }

    static void register(MetricRegistry registry, PrometheusExposition exposition) {
        Map<String, String> pools = new HashMap<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pools.put(WHITESPACE.matcher(pool.getName()).replaceAll("-"), pool.getName());
        }
        Map<String, String> collectors = new HashMap<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            collectors.put(WHITESPACE.matcher(gc.getName()).replaceAll("-"), gc.getName());
        }
        add(registry, exposition, "jvm.memory", new MemoryUsageGaugeSet(), (name, m) -> memory(name, pools));
        add(registry, exposition, "jvm.gc", new GarbageCollectorMetricSet(), (name, m) -> gc(name, collectors));
        add(registry, exposition, "jvm.threads", new CachedThreadStatesGaugeSet(1, TimeUnit.SECONDS),
                (name, m) -> threads(name));
        registerAllocated(registry, exposition);
    }

    private static void registerAllocated(MetricRegistry registry, PrometheusExposition exposition) {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                || !threads.isThreadAllocatedMemorySupported()) {
            return;
        }
        if (!threads.isThreadAllocatedMemoryEnabled()) {
            threads.setThreadAllocatedMemoryEnabled(true);
        }
        String name = exposition.claim("jvm.allocated.bytes", new Series(ALLOCATED, Labels.EMPTY, 1));
        try {
            registry.register(name, (Gauge<Long>) threads::getTotalThreadAllocatedBytes);
        } catch (IllegalArgumentException alreadyRegistered) {
            // a second registry user: export that one
        }
    }

    private static void add(MetricRegistry registry, PrometheusExposition exposition, String prefix,
                            MetricSet set, BiFunction<String, Metric, Series> mapping) {
        for (Map.Entry<String, Metric> entry : set.getMetrics().entrySet()) {
            Series series = mapping.apply(entry.getKey(), entry.getValue());
            if (series == null) {
                continue;
            }
            String name = exposition.claim(prefix + "." + entry.getKey(), series);
            try {
                registry.register(name, entry.getValue());
            } catch (IllegalArgumentException alreadyRegistered) {
                // Another component registered metrics-jvm under the same names: export that one.
            }
        }
    }

    /** "heap.used", "non-heap.max", "pools.G1-Eden-Space.committed"; others are left out. */
    private static Series memory(String name, Map<String, String> pools) {
        int dot = name.lastIndexOf('.');
        int kind = indexOf(MEMORY_KINDS, name.substring(dot + 1));
        if (dot < 0 || kind < 0) {
            return null;
        }
        String area = name.substring(0, dot);
        if (area.equals("heap") || area.equals("non-heap")) {
            return new Series(MEMORY[kind], Labels.of("area", area.equals("heap") ? "heap" : "nonheap"), 1);
        }
        if (area.startsWith("pools.")) {
            String pool = area.substring("pools.".length());
            return new Series(POOL[kind], Labels.of("pool", pools.getOrDefault(pool, pool)), 1);
        }
        return null;
    }

    /** "G1-Young-Generation.count", "G1-Young-Generation.time" (milliseconds). */
    private static Series gc(String name, Map<String, String> collectors) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return null;
        }
        String collector = name.substring(0, dot);
        Labels labels = Labels.of("gc", collectors.getOrDefault(collector, collector));
        switch (name.substring(dot + 1)) {
            case "count":
                return new Series(GC_COLLECTIONS, labels, 1);
            case "time":
                return new Series(GC_SECONDS, labels, 1000);
            default:
                return null;
        }
    }

    /** "runnable.count", "count", "daemon.count", "peak.count", "total_started.count", "deadlock.count". */
    private static Series threads(String name) {
        switch (name) {
            case "count":
                return new Series(THREADS_CURRENT, Labels.EMPTY, 1);
            case "daemon.count":
                return new Series(THREADS_DAEMON, Labels.EMPTY, 1);
            case "peak.count":
                return new Series(THREADS_PEAK, Labels.EMPTY, 1);
            case "total_started.count":
                return new Series(THREADS_STARTED, Labels.EMPTY, 1);
            case "deadlock.count":
                return new Series(THREADS_DEADLOCKED, Labels.EMPTY, 1);
            default:
                break;
        }
        for (Thread.State state : Thread.State.values()) {
            if (name.equals(state.name().toLowerCase(Locale.ROOT) + ".count")) {
                return new Series(THREADS_STATE, Labels.of("state", state.name()), 1);
            }
        }
        return null;
    }

    private static int indexOf(String[] values, String value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }
}
