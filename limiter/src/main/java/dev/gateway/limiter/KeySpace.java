package dev.gateway.limiter;

import java.util.Objects;

/**
 * The keys of one rate-limit policy: its buckets live apart from every other policy's, and at most {@code maxKeys}
 * of them are held at once (by the whole cluster for the shared store, by one node for the in-memory one). Past
 * that, the least frequently used buckets are evicted; an evicted key's next check starts a full bucket, so each
 * eviction of a key that was not full lets that key through at most one extra {@code capacity} (see the README,
 * "Bounded state"). Buckets that are full again are forgotten anyway and never count against the bound for long.
 *
 * @param name    the policy's name; two specs of one name share their buckets (a new config version's spec adopts
 *                the buckets of the old one)
 * @param maxKeys 1 to {@link Integer#MAX_VALUE}
 */
public record KeySpace(String name, long maxKeys) {
    public KeySpace {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: '' (expected: a policy name)");
        }
        if (maxKeys < 1 || maxKeys > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxKeys: " + maxKeys + " (expected: 1.." + Integer.MAX_VALUE + ")");
        }
    }
}
