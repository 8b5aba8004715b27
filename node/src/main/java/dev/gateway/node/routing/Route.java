package dev.gateway.node.routing;

import dev.gateway.config.Durations;
import dev.gateway.config.RouteConfig;
import dev.gateway.node.pipeline.Interceptor;
import java.util.List;

/**
 * One route compiled for a config version: its conditions and its interceptor chain, the last
 * link terminal. Immutable; lives as long as the runtime that built it.
 */
public final class Route {
    private final RouteConfig config;
    private final RouteConditions conditions;
    private final List<Interceptor> interceptors;
    private final long timeoutNanos;
    private final String timeoutName;

    public Route(RouteConfig config, List<Interceptor> interceptors) {
        this.config = config;
        this.conditions = new RouteConditions(config.match());
        this.interceptors = List.copyOf(interceptors);
        this.timeoutNanos = config.timeout() == null ? 0 : config.timeout().toNanos();
        this.timeoutName = config.timeout() == null ? null : "route timeout " + Durations.format(config.timeout());
    }

    public String id() {
        return config.id();
    }

    public RouteConfig config() {
        return config;
    }

    public List<Interceptor> interceptors() {
        return interceptors;
    }

    /** The route's total timeout in nanoseconds, 0 when it has none. */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** The route's timeout as 504 messages name it ({@code route timeout 3s}), null when it has none. */
    public String timeoutName() {
        return timeoutName;
    }

    RouteConditions conditions() {
        return conditions;
    }

    @Override
    public String toString() {
        return "route " + id();
    }
}
