package dev.gateway.node.auth;

import dev.gateway.config.ApiKeyAuth;
import dev.gateway.node.pipeline.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The authentication of one config version: its providers (verifiers, JWKS caches, introspection
 * caches) and consumers, compiled once by {@link AuthCompiler#compile}. Hands each route its
 * link; {@link #close()} stops the version's JWKS refreshes. Thread-safe.
 */
public final class AuthRuntime implements AutoCloseable {
    private final Map<String, Authenticator> providers;
    private final ApiKeyAuth apiKey;
    private final AuthMetrics metrics;
    private final List<? extends AutoCloseable> resources;

    AuthRuntime(Map<String, Authenticator> providers, ApiKeyAuth apiKey, AuthMetrics metrics,
                List<? extends AutoCloseable> resources) {
        this.providers = Map.copyOf(providers);
        this.apiKey = apiKey;
        this.metrics = metrics;
        this.resources = List.copyOf(resources);
    }

    /**
     * The link for a route's {@code auth: [...]} list, or null for an empty list (a public route).
     *
     * @throws IllegalArgumentException for a provider this config does not define (the config's
     *                                  validation rules that out)
     */
    public Interceptor linkFor(List<String> routeAuth) {
        if (routeAuth.isEmpty()) {
            return null;
        }
        List<Authenticator> chosen = new ArrayList<>(routeAuth.size());
        for (String id : routeAuth) {
            Authenticator provider = providers.get(id);
            if (provider == null) {
                throw new IllegalArgumentException("auth: " + id + " (expected one of: " + providers.keySet() + ")");
            }
            chosen.add(provider);
        }
        return new AuthInterceptor(chosen, metrics,
                apiKey == null ? null : apiKey.header(), apiKey == null ? null : apiKey.query());
    }

    /** The provider with this id ({@code jwt:main}, {@code api-key}, {@code introspection:corp}), or null. */
    Authenticator provider(String id) {
        return providers.get(id);
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + resource, e);
            }
        }
    }
}
