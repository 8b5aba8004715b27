package dev.gateway.node.upstream;

import dev.gateway.config.PassiveHealth;
import dev.gateway.config.UpstreamConfig;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.upstream.balance.Balancers;
import dev.gateway.node.upstream.balance.InFlight;
import dev.gateway.node.upstream.health.HealthRegistry;
import dev.gateway.node.upstream.health.TargetHealth;
import dev.gateway.node.upstream.tls.UpstreamTlsContext;
import java.util.List;

/**
 * One upstream compiled for a config version: its targets, balancer, health and call settings.
 * Immutable apart from the in-flight counts and health it observes; thread-safe.
 */
public final class UpstreamGroup {
    private final String name;
    private final UpstreamConfig config;
    private final List<UpstreamTarget> targets;
    private final InFlight inFlight;
    private final Balancer balancer;
    private final TargetHealth[] health;
    private final int passiveUnhealthyAfter;
    private final UpstreamCall.PoolSettings pool;
    private final long connectTimeoutNanos;
    private final long responseTimeoutNanos;

    /**
     * @throws dev.gateway.node.upstream.tls.UpstreamTlsConfigException when a file of the upstream's {@code tls}
     *                                                                   section cannot be used
     */
    public UpstreamGroup(String name, UpstreamConfig config, HealthRegistry healthRegistry) {
        this.name = name;
        this.config = config;
        UpstreamTlsContext tls = UpstreamTlsContext.of(name, config); // reads the tls section's files
        this.targets = config.targets().stream().map(t -> UpstreamTarget.of(name, t, tls, config.protocol())).toList();
        this.inFlight = new InFlight(targets);
        this.balancer = Balancers.of(config.balancing(), targets, inFlight);
        this.health = targets.stream().map(healthRegistry::of).toArray(TargetHealth[]::new);
        PassiveHealth passive = config.health() == null ? null : config.health().passive();
        this.passiveUnhealthyAfter = passive == null ? 0 : passive.unhealthyAfter();
        this.pool = new UpstreamCall.PoolSettings(config.pool().maxConnections(), config.pool().idleTimeout().toNanos(),
                config.pool().maxLifetime().toNanos(), config.dnsRefresh().toNanos());
        this.connectTimeoutNanos = config.timeouts().connect().toNanos();
        this.responseTimeoutNanos = config.timeouts().response().toNanos();
    }

    public String name() {
        return name;
    }

    public UpstreamConfig config() {
        return config;
    }

    public List<UpstreamTarget> targets() {
        return targets;
    }

    /**
     * The target for {@code request}: the balancer's choice when it is healthy, else the next
     * healthy target in config order after it (so hashing keeps a stable fallback); null when
     * no target is healthy.
     */
    public UpstreamTarget pick(GatewayRequest request) {
        UpstreamTarget chosen = balancer.pick(request);
        int index = inFlight.indexOf(chosen);
        if (health[index].isHealthy()) {
            return chosen;
        }
        for (int k = 1; k < health.length; k++) {
            int i = (index + k) % health.length;
            if (health[i].isHealthy()) {
                return targets.get(i);
            }
        }
        return null;
    }

    /**
     * As {@link #pick}, avoiding the targets in {@code avoid} (a retry or a hedge goes elsewhere) while another
     * healthy one exists; falls back to {@link #pick} when none does.
     */
    public UpstreamTarget pickAvoiding(GatewayRequest request, java.util.Set<UpstreamTarget> avoid) {
        UpstreamTarget chosen = pick(request);
        if (chosen == null || avoid.isEmpty() || !avoid.contains(chosen)) {
            return chosen;
        }
        int index = inFlight.indexOf(chosen);
        for (int k = 1; k < health.length; k++) {
            int i = (index + k) % health.length;
            if (health[i].isHealthy() && !avoid.contains(targets.get(i))) {
                return targets.get(i);
            }
        }
        return chosen;
    }

    /** A call to {@code target} starts: least-connections counts it until {@link #finished}. */
    public void started(UpstreamTarget target) {
        inFlight.started(target);
    }

    /**
     * A call to {@code target} ended, with or without success (a failed connection, a timeout
     * or a 502/503/504 answer is a failure); feeds passive health checks when configured.
     */
    public void finished(UpstreamTarget target, boolean ok) {
        inFlight.finished(target);
        if (passiveUnhealthyAfter > 0) {
            health[inFlight.indexOf(target)].passiveResult(ok, passiveUnhealthyAfter, System.nanoTime());
        }
    }

    public boolean healthy(UpstreamTarget target) {
        return health[inFlight.indexOf(target)].isHealthy();
    }

    public int inFlight(UpstreamTarget target) {
        return inFlight.get(target);
    }

    public UpstreamCall.PoolSettings pool() {
        return pool;
    }

    public long connectTimeoutNanos() {
        return connectTimeoutNanos;
    }

    public long responseTimeoutNanos() {
        return responseTimeoutNanos;
    }
}
