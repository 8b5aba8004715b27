package dev.gateway.node.routing;

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

    public Route(RouteConfig config, List<Interceptor> interceptors) {
        this.config = config;
        this.conditions = new RouteConditions(config.match());
        this.interceptors = List.copyOf(interceptors);
        this.timeoutNanos = config.timeout() == null ? 0 : config.timeout().toNanos();
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

    RouteConditions conditions() {
        return conditions;
    }

    @Override
    public String toString() {
        return "route " + id();
    }
}
