package dev.gateway.node.auth;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Authentication metrics of one node, by provider id: outcomes by reason, JWKS refreshes,
 * introspection latency and cache hits. Lives as long as the node; providers appear when a config
 * version first names them and stay (their number is bounded by the config). Thread-safe.
 *
 * <p>Meant for the node's metrics exposition, e.g. as
 * {@code gateway_auth_total{provider, reason}}, {@code gateway_auth_jwks_refreshes_total{provider, result}},
 * {@code gateway_auth_introspection_duration_seconds{provider}} and
 * {@code gateway_auth_introspection_cache_total{provider, result="hit"|"miss"}}, read at scrape time.
 */
public final class AuthMetrics {
    private final ConcurrentMap<String, ProviderMetrics> providers = new ConcurrentHashMap<>();

    /** The counters of {@code provider}, created on first use. */
    public ProviderMetrics provider(String provider) {
        ProviderMetrics m = providers.get(provider);
        return m != null ? m : providers.computeIfAbsent(provider, ProviderMetrics::new);
    }

    /** Every provider seen so far, by id, sorted. */
    public Map<String, ProviderMetrics> providers() {
        return new TreeMap<>(providers);
    }
}
