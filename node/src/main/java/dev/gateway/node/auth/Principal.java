package dev.gateway.node.auth;

/**
 * Who a request authenticated as.
 *
 * @param consumerId the consumer ({@code consumers.<id>}, or a token subject no consumer lists), or null
 * @param plan       that consumer's plan, or null
 * @param subject    the token's subject ({@code sub}, else {@code client_id}); null for API keys
 * @param claims     a verified JWT's claims (for {@code {jwt.<claim>}} in aggregate routes); empty otherwise
 */
public record Principal(String consumerId, String plan, String subject, java.util.Map<String, Object> claims) {
    public Principal {
        claims = claims == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
    }

    public Principal(String consumerId, String plan, String subject) {
        this(consumerId, plan, subject, java.util.Map.of());
    }

    /** The same principal with a token's claims. */
    public Principal withClaims(java.util.Map<String, Object> tokenClaims) {
        return new Principal(consumerId, plan, subject, tokenClaims);
    }
}
