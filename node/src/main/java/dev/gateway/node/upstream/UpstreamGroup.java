package dev.gateway.node.upstream;

import dev.gateway.config.UpstreamConfig;
import dev.gateway.node.http.GatewayRequest;
import java.util.List;

/** One upstream compiled for a config version: its targets, balancer and call settings. Immutable. */
public final class UpstreamGroup {
    private final String name;
    private final UpstreamConfig config;
    private final List<UpstreamTarget> targets;
    private final Balancer balancer;
    private final UpstreamCall.PoolSettings pool;
    private final long connectTimeoutNanos;
    private final long responseTimeoutNanos;

    public UpstreamGroup(String name, UpstreamConfig config) {
        this.name = name;
        this.config = config;
        this.targets = config.targets().stream().map(t -> UpstreamTarget.of(name, t)).toList();
        this.balancer = new WeightedRoundRobin(targets);
        this.pool = new UpstreamCall.PoolSettings(config.pool().maxConnections(), config.pool().idleTimeout().toNanos());
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

    public UpstreamTarget pick(GatewayRequest request) {
        return balancer.pick(request);
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
