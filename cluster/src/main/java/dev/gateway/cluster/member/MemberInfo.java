package dev.gateway.cluster.member;

import java.util.Objects;
import java.util.UUID;

/**
 * One cluster member as the node shows it ({@code /admin/cluster}).
 *
 * @param uuid     Hazelcast's member id; a restarted node gets a new one
 * @param address  {@code host:port} the member is reached at ({@code [v6]:port} for IPv6)
 * @param nodeName the member's {@code gateway.node-name} attribute, or its address for a member without one
 * @param local    whether this is the member of the node asking
 */
public record MemberInfo(UUID uuid, String address, String nodeName, boolean local) {
    public MemberInfo {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(nodeName, "nodeName");
    }
}
