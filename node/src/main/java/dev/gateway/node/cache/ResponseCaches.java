package dev.gateway.node.cache;

import dev.gateway.cluster.cache.ResponseStore;
import dev.gateway.config.Scope;

/**
 * The node's two response stores: its own ({@code scope: node}) and the cluster's ({@code scope: cluster}; the
 * node's own when it runs alone). Kept across config versions, so a reload keeps what is cached; purging by
 * route removes a route's entries from both.
 */
public record ResponseCaches(ResponseStore local, ResponseStore shared, CacheMetrics metrics) {

    public ResponseStore store(Scope scope) {
        return scope == Scope.NODE ? local : shared;
    }

    /** Removes the entries whose key starts with {@code prefix} from both stores; how many went. */
    public long purge(String prefix) {
        long removed = local.purge(prefix);
        if (shared != local) {
            removed += shared.purge(prefix);
        }
        return removed;
    }

    /** The key prefix of every entry of {@code routeId}. */
    public static String routePrefix(String routeId) {
        return routeId + '|';
    }

    /** The key prefix of the entries of {@code routeId} for one path and query ({@code /items?page=2}). */
    public static String pathPrefix(String routeId, String pathAndQuery) {
        return routeId + '|' + pathAndQuery + '|';
    }
}
