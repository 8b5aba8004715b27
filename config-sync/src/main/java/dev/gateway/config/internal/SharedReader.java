package dev.gateway.config.internal;

import dev.gateway.config.AccessLogConfig;
import dev.gateway.config.AuthConfig;
import dev.gateway.config.ConsumerConfig;
import dev.gateway.config.ObservabilityConfig;
import dev.gateway.config.RateLimitPolicy;
import dev.gateway.config.RouteConfig;
import dev.gateway.config.SharedConfig;
import dev.gateway.config.TracingConfig;
import dev.gateway.config.UpstreamConfig;
import java.util.List;
import java.util.Map;

/** Binds the shared sections of a root object and checks their cross references. */
public final class SharedReader {
    public static final List<String> SECTIONS =
            List.of("upstreams", "consumers", "auth", "rate-limits", "routes", "observability");

    private SharedReader() {
    }

    /** Reads the shared sections of {@code root} (whose keys were already checked); null when anything failed. */
    public static SharedConfig shared(Node root) {
        int mark = root.errors().mark();
        Map<String, UpstreamConfig> upstreams = root.at("upstreams").map(UpstreamReader::upstream);
        Map<String, ConsumerConfig> consumers = root.at("consumers").map(ConsumerReader::consumer);
        AuthConfig auth = AuthReader.auth(root.at("auth"));
        Map<String, RateLimitPolicy> rateLimits = root.at("rate-limits").map(ConsumerReader::rateLimit);
        Node r = root.at("routes");
        List<Node> routeNodes = r.elements();
        List<RouteConfig> routes = new java.util.ArrayList<>();
        for (Node n : routeNodes) {
            routes.add(n.present() ? RouteReader.route(n) : null);
            if (!n.present()) {
                n.error("null (expected: a route)");
            }
        }
        ObservabilityConfig observability = observability(root.at("observability"));
        root.errors().addAll(References.check(upstreams.keySet(), consumers, auth, rateLimits.keySet(), routes));
        if (root.errors().since(mark)) {
            return null;
        }
        return root.build(mark, () -> new SharedConfig(upstreams, consumers, auth, rateLimits, routes, observability));
    }

    private static ObservabilityConfig observability(Node n) {
        if (!n.present()) {
            return ObservabilityConfig.defaults();
        }
        int mark = n.errors().mark();
        if (!n.object("access-log", "tracing")) {
            return null;
        }
        AccessLogConfig accessLog = AccessLogConfig.defaults();
        Node a = n.at("access-log");
        int am = n.errors().mark();
        if (a.object("format", "file", "max-queue-bytes")) {
            String format = a.at("format").text("json");
            String file = a.at("file").text();
            long maxQueueBytes = a.at("max-queue-bytes").size(AccessLogConfig.DEFAULT_MAX_QUEUE_BYTES);
            accessLog = a.build(am, () -> new AccessLogConfig(format, file, maxQueueBytes));
        }
        TracingConfig tracing = TracingReader.tracing(n.at("tracing"));
        AccessLogConfig al = accessLog;
        TracingConfig tc = tracing;
        return n.build(mark, () -> new ObservabilityConfig(al, tc));
    }
}
