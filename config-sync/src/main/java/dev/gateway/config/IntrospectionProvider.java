package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.net.URI;
import java.time.Duration;

/**
 * An OAuth2 token introspection endpoint (RFC 7662), called with HTTP basic client credentials; active tokens
 * are cached {@code cacheFor} (never beyond their expiry). {@link #toString()} hides the secret.
 */
public record IntrospectionProvider(String id, URI url, String clientId, String clientSecret, Duration cacheFor,
                                    Duration timeout) {
    public static final Duration DEFAULT_CACHE_FOR = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    public IntrospectionProvider {
        Check.name(id, "id");
        Check.notNull(url, "url");
        Check.that(("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null,
                "url", url.toString(), "an http(s) URL");
        Check.that(clientId != null && !clientId.isEmpty() && clientId.indexOf(':') < 0, "clientId", clientId,
                "a client id without ':'");
        Check.that(clientSecret != null && !clientSecret.isEmpty(), "clientSecret", "<hidden>", "a client secret");
        Check.notNull(cacheFor, "cacheFor");
        Check.that(!cacheFor.isNegative(), "cacheFor", cacheFor.toString(), ">= 0");
        Check.positive(timeout, "timeout");
    }

    @Override
    public String toString() {
        return "IntrospectionProvider[id=" + id + ", url=" + url + ", clientId=" + clientId
                + ", clientSecret=<hidden>, cacheFor=" + cacheFor + ", timeout=" + timeout + "]";
    }
}
