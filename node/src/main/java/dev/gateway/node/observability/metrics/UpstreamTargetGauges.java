package dev.gateway.node.observability.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.gateway.node.observability.metrics.PrometheusExposition.Series;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The per-target gauges of {@link GatewayMetrics}: {@code gateway_upstream_connections{upstream, target, state}}
 * and {@code gateway_upstream_target_healthy{upstream, target}}, read at scrape time from suppliers that config
 * (re)loads register, replace and remove. Registration goes through {@link GatewayMetrics}'s own gauge and release
 * steps, so names are claimed in one exposition. Thread-safe; never on the request path.
 */
final class UpstreamTargetGauges {

    /** Registers a gauge under a name (replacing whatever held it) and returns the name used. */
    @FunctionalInterface
    interface Registrar {
        String gauge(String name, Series series, Gauge<?> gauge);
    }

    private final Registrar registrar;
    private final Consumer<String> release;
    private final ConcurrentMap<TargetKey, TargetGauges> targets = new ConcurrentHashMap<>();

    /**
     * @param registrar registers one gauge
     * @param release   removes one registered name from the registry and the exposition
     */
    UpstreamTargetGauges(Registrar registrar, Consumer<String> release) {
        this.registrar = Objects.requireNonNull(registrar, "registrar");
        this.release = Objects.requireNonNull(release, "release");
    }

    /** See {@link GatewayMetrics#registerPool}. */
    void registerPool(String upstream, String target, IntSupplier open, IntSupplier idle) {
        Objects.requireNonNull(open, "open");
        Objects.requireNonNull(idle, "idle");
        targets.compute(new TargetKey(upstream, target), (key, existing) -> {
            TargetGauges gauges = existing != null ? existing : new TargetGauges();
            boolean first = gauges.open == null;
            gauges.open = open;
            gauges.idle = idle;
            if (first) {
                String base = MetricRegistry.name("gateway.upstream", key.upstream(), key.target(), "connections");
                gauges.names.add(registrar.gauge(base + ".open", connections(key, "open"), () -> gauges.open.getAsInt()));
                gauges.names.add(registrar.gauge(base + ".idle", connections(key, "idle"), () -> gauges.idle.getAsInt()));
            }
            return gauges;
        });
    }

    /** See {@link GatewayMetrics#registerHealth}. */
    void registerHealth(String upstream, String target, BooleanSupplier healthy) {
        Objects.requireNonNull(healthy, "healthy");
        targets.compute(new TargetKey(upstream, target), (key, existing) -> {
            TargetGauges gauges = existing != null ? existing : new TargetGauges();
            boolean first = gauges.healthy == null;
            gauges.healthy = healthy;
            if (first) {
                gauges.names.add(registrar.gauge(
                        MetricRegistry.name("gateway.upstream", key.upstream(), key.target(), "healthy"),
                        new Series(GatewayFamilies.TARGET_HEALTHY, key.labels(), 1),
                        () -> gauges.healthy.getAsBoolean() ? 1 : 0));
            }
            return gauges;
        });
    }

    /** See {@link GatewayMetrics#unregisterUpstreamTarget}. */
    void unregister(String upstream, String target) {
        targets.computeIfPresent(new TargetKey(upstream, target), (key, gauges) -> {
            gauges.names.forEach(release);
            return null;
        });
    }

    private static Series connections(TargetKey key, String state) {
        return new Series(GatewayFamilies.UPSTREAM_CONNECTIONS,
                Labels.of("upstream", key.upstream(), "target", key.target(), "state", state), 1);
    }

    private record TargetKey(String upstream, String target) {
        TargetKey {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(target, "target");
        }

        Labels labels() {
            return Labels.of("upstream", upstream, "target", target);
        }
    }

    /** Mutated only inside {@code targets.compute}; suppliers are read by scrapes. */
    private static final class TargetGauges {
        volatile IntSupplier open;
        volatile IntSupplier idle;
        volatile BooleanSupplier healthy;
        final List<String> names = new ArrayList<>();
    }
}
