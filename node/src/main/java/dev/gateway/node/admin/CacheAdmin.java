package dev.gateway.node.admin;

import dev.gateway.node.cache.ResponseCaches;
import dev.gateway.node.http.Json;
import dev.gateway.node.runtime.GatewayRuntime;
import dev.gateway.node.runtime.RuntimeHolder;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code DELETE /admin/cache/{route}}: purges every cached response of a route, from this node's cache and the
 * cluster's; {@code DELETE /admin/cache/{route}?path=/items%3Fpage%3D2}: only those of one path and query.
 */
public final class CacheAdmin {
    static final String PREFIX = "/admin/cache/";
    private final ResponseCaches caches;
    private final RuntimeHolder runtimes;

    public CacheAdmin(ResponseCaches caches, RuntimeHolder runtimes) {
        this.caches = caches;
        this.runtimes = runtimes;
    }

    AdminReply purge(String route, String query) {
        if (route.isEmpty() || route.contains("/")) {
            return AdminReply.error(400, "expected /admin/cache/{route}[?path=/path?query]");
        }
        GatewayRuntime runtime = runtimes.current();
        boolean known = runtime != null && runtime.config().routes().stream().anyMatch(r -> r.id().equals(route));
        if (!known) {
            return AdminReply.error(404, "no route '" + route + "'");
        }
        String path = null;
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("path=")) {
                    try {
                        path = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        return AdminReply.error(400, "path: not URL-encoded");
                    }
                }
            }
        }
        if (path != null && !path.startsWith("/")) {
            return AdminReply.error(400, "path: '" + path + "' (expected: an absolute path, with its query if any)");
        }
        String prefix = path == null ? ResponseCaches.routePrefix(route) : ResponseCaches.pathPrefix(route, path);
        long removed;
        try {
            removed = caches.purge(prefix);
        } catch (RuntimeException e) {
            return AdminReply.error(503, "the cluster's cache did not answer: " + e.getMessage());
        }
        return new AdminReply(200, "{\"route\":" + Json.quote(route) + (path == null ? "" : ",\"path\":" + Json.quote(path))
                + ",\"purged\":" + removed + "}");
    }
}
