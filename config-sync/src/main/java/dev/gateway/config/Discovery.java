package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.List;

/** How cluster members find each other: exactly one of a static member list or multicast. */
public record Discovery(List<HostPort> staticMembers, Multicast multicast) {
    public Discovery {
        staticMembers = Check.list(staticMembers, "static");
        Check.that(staticMembers.isEmpty() != (multicast == null), "static",
                staticMembers.isEmpty() ? "absent" : staticMembers, "exactly one of static or multicast");
    }
}
