package dev.gateway.config.internal;

import dev.gateway.config.CacheConfig;
import dev.gateway.config.CompressionConfig;
import dev.gateway.config.RequestTransform;
import dev.gateway.config.ResponseTransform;
import dev.gateway.config.Scope;
import dev.gateway.config.WebSocketConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Binds a route's {@code request}, {@code response}, {@code cache}, {@code compression} and {@code websocket}. */
public final class RouteExtrasReader {
    private RouteExtrasReader() {
    }

    public static RequestTransform request(Node n) {
        if (!n.present()) {
            return RequestTransform.none();
        }
        int mark = n.errors().mark();
        if (!n.object("set-headers", "remove-headers", "correlation-id")) {
            return null;
        }
        Map<String, String> set = n.at("set-headers").textMap();
        List<String> remove = n.at("remove-headers").texts();
        String correlationId = n.at("correlation-id").text();
        return n.build(mark, () -> new RequestTransform(set, remove, correlationId));
    }

    public static ResponseTransform response(Node n) {
        if (!n.present()) {
            return ResponseTransform.none();
        }
        int mark = n.errors().mark();
        if (!n.object("set-headers", "remove-headers")) {
            return null;
        }
        Map<String, String> set = n.at("set-headers").textMap();
        List<String> remove = n.at("remove-headers").texts();
        return n.build(mark, () -> new ResponseTransform(set, remove));
    }

    public static CacheConfig cache(Node n) {
        int mark = n.errors().mark();
        if (!n.object("ttl", "vary", "scope", "share-authorized")) {
            return null;
        }
        Duration ttl = n.at("ttl").required() ? n.at("ttl").duration(null) : null;
        List<String> vary = n.at("vary").texts();
        Scope scope = n.at("scope").parse(Scope::parse, Scope.NODE);
        boolean share = n.at("share-authorized").bool(false);
        return n.build(mark, () -> new CacheConfig(ttl, vary, scope, share));
    }

    public static CompressionConfig compression(Node n) {
        int mark = n.errors().mark();
        if (!n.object("types", "min-bytes")) {
            return null;
        }
        n.at("types").required();
        List<String> types = n.at("types").texts();
        int min = n.at("min-bytes").integer(CompressionConfig.DEFAULT_MIN_BYTES);
        return n.build(mark, () -> new CompressionConfig(types, min));
    }

    /** {@code websocket: {}} takes the defaults; an absent key (null) leaves upgrades refused. */
    public static WebSocketConfig websocket(Node n) {
        int mark = n.errors().mark();
        if (!n.object("idle-timeout", "max-message")) {
            return null;
        }
        Duration idle = n.at("idle-timeout").duration(WebSocketConfig.DEFAULT_IDLE_TIMEOUT);
        long maxMessage = n.at("max-message").size(WebSocketConfig.DEFAULT_MAX_MESSAGE);
        return n.build(mark, () -> new WebSocketConfig(idle, maxMessage));
    }
}
