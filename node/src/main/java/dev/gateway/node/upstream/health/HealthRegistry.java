package dev.gateway.node.upstream.health;

import dev.gateway.node.upstream.UpstreamTarget;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The health of every upstream target this node knows, by upstream name and target address.
 * Node-level, so that a config change that keeps a target keeps what is known of it.
 */
public final class HealthRegistry {
    private final ConcurrentHashMap<String, TargetHealth> states = new ConcurrentHashMap<>();

    public TargetHealth of(UpstreamTarget target) {
        return states.computeIfAbsent(target.upstream() + '|' + target.key(), k -> new TargetHealth());
    }

    /** Read-only view keyed {@code upstream|host:port}. */
    public Map<String, TargetHealth> all() {
        return Map.copyOf(states);
    }
}
