package dev.gateway.node.ratelimit;

import dev.gateway.config.RateLimitKey;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.routing.Route;

/**
 * Builds the bucket name of one policy for one request: {@code policy/part|part}. Parts:
 * {@code consumer} (the authenticated consumer; {@code anonymous@<ip>} without one, so that
 * unauthenticated traffic is limited per address rather than all together), {@code ip} (the TCP
 * peer), {@code route}, {@code global}, {@code header:NAME} (its value, {@code -} when absent).
 * Immutable; one per policy and route.
 */
final class BucketKeys {
    private final String prefix;
    private final String[] parts;

    BucketKeys(String policy, RateLimitKey key) {
        this.prefix = policy + '/';
        this.parts = key.parts().toArray(String[]::new);
    }

    /** What the key is made of, for traces: {@code consumer}, {@code ip|route}, ... */
    String kind() {
        return String.join("|", parts);
    }

    String of(GatewayRequest request, Route route) {
        StringBuilder sb = new StringBuilder(prefix.length() + 32).append(prefix);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append('|');
            }
            String part = parts[i];
            switch (part) {
                case "consumer" -> {
                    String consumer = request.exchange().consumerId();
                    if (consumer != null) {
                        sb.append("c:").append(consumer);
                    } else {
                        sb.append("anonymous@").append(request.exchange().clientAddress());
                    }
                }
                case "ip" -> sb.append(request.exchange().clientAddress());
                case "route" -> sb.append(route.id());
                case "global" -> sb.append('*');
                default -> {
                    String value = request.headers().get(part.substring("header:".length()));
                    sb.append(value == null ? "-" : value);
                }
            }
        }
        return sb.toString();
    }
}
