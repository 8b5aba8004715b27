package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;
import java.util.List;

/**
 * Response caching of GET/HEAD (honouring Cache-Control) for at most {@code ttl}, keyed additionally by the
 * {@code vary} request headers. Requests with credentials are not cached unless {@code shareAuthorized}.
 */
public record CacheConfig(Duration ttl, List<String> vary, Scope scope, boolean shareAuthorized) {
    public CacheConfig {
        Check.positive(ttl, "ttl");
        vary = Check.list(vary, "vary");
        vary.forEach(h -> Check.token(h, "vary"));
        Check.notNull(scope, "scope");
    }
}
