package dev.gateway.config;

import dev.gateway.config.internal.Check;

/** Where clients send API keys: a header and/or a query parameter (at least one; header X-API-Key by default). */
public record ApiKeyAuth(String header, String query) {
    public static final String DEFAULT_HEADER = "X-API-Key";

    public ApiKeyAuth {
        Check.that(header != null || query != null, "header", null, "a header and/or a query parameter");
        if (header != null) {
            Check.token(header, "header");
        }
        Check.that(query == null || query.matches("[A-Za-z0-9_.~-]+"), "query", query, "a query parameter name");
    }
}
