package dev.gateway.node.auth;

import dev.gateway.node.observability.metrics.GatewayMetrics;

/**
 * Exposes {@link AuthMetrics} through the node's metrics, read at scrape time:
 * {@code gateway_auth_total{provider,reason}}, {@code gateway_auth_jwks_refreshes_total{provider,result}},
 * {@code gateway_auth_introspection_cache_total{provider,result}} and
 * {@code gateway_auth_introspection_duration_seconds{provider}}.
 */
public final class AuthMetricsExport {
    private AuthMetricsExport() {
    }

    /** Registers every provider known so far; call again after a config change (idempotent). */
    public static void register(AuthMetrics auth, GatewayMetrics metrics) {
        for (ProviderMetrics p : auth.providers().values()) {
            String id = p.provider();
            for (AuthReason reason : AuthReason.values()) {
                metrics.registerCounter("gateway_auth", "Authentication outcomes by provider and reason.",
                        () -> p.outcomes(reason), "provider", id, "reason", reason.label());
            }
            metrics.registerCounter("gateway_auth_jwks_refreshes", "JWKS fetches by provider and result.",
                    p::jwksRefreshes, "provider", id, "result", "ok");
            metrics.registerCounter("gateway_auth_jwks_refreshes", "JWKS fetches by provider and result.",
                    p::jwksRefreshFailures, "provider", id, "result", "failed");
            metrics.registerCounter("gateway_auth_introspection_cache", "Introspection cache lookups by result.",
                    p::cacheHits, "provider", id, "result", "hit");
            metrics.registerCounter("gateway_auth_introspection_cache", "Introspection cache lookups by result.",
                    p::cacheMisses, "provider", id, "result", "miss");
            metrics.registerTimer("gateway_auth_introspection_duration_seconds",
                    "Time of introspection calls by provider.", p.introspectionLatency(), "provider", id);
        }
    }
}
