package dev.gateway.node.auth;

/**
 * Who a request authenticated as.
 *
 * @param consumerId the consumer ({@code consumers.<id>}, or a token subject no consumer lists), or null
 * @param plan       that consumer's plan, or null
 * @param subject    the token's subject ({@code sub}, else {@code client_id}); null for API keys
 */
public record Principal(String consumerId, String plan, String subject) {
}
