package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.List;

/** How cluster members find each other: exactly one of a static member list, multicast or Kubernetes DNS. */
public record Discovery(List<HostPort> staticMembers, Multicast multicast, Kubernetes kubernetes) {
    public Discovery {
        staticMembers = Check.list(staticMembers, "static");
        int ways = (staticMembers.isEmpty() ? 0 : 1) + (multicast == null ? 0 : 1) + (kubernetes == null ? 0 : 1);
        Check.that(ways == 1, "static", staticMembers.isEmpty() ? "absent" : staticMembers,
                "exactly one of static, multicast or kubernetes");
    }

    /** A static list or multicast. */
    public Discovery(List<HostPort> staticMembers, Multicast multicast) {
        this(staticMembers, multicast, null);
    }
}
