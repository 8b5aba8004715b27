package dev.gateway.cluster.member;

import com.hazelcast.cluster.Member;
import dev.gateway.config.HostPort;
import java.util.Objects;
import java.util.UUID;

/**
 * One cluster member as the node shows it ({@code /admin/cluster}).
 *
 * @param uuid     Hazelcast's member id; a restarted node gets a new one
 * @param address  {@code host:port} the member is reached at ({@code [v6]:port} for IPv6)
 * @param nodeName the member's {@code gateway.node-name} attribute, or its address for a member without one
 * @param local    whether this is the member of the node asking
 * @param build    the build the member runs ({@code gateway.build} attribute), null for a member of release 0.1.0,
 *                 which sets none
 */
public record MemberInfo(UUID uuid, String address, String nodeName, boolean local, String build) {
    public MemberInfo {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(nodeName, "nodeName");
    }

    /** {@code member} as the node shows it: named by its {@code gateway.node-name} attribute, else by its address. */
    static MemberInfo of(Member member) {
        String address = new HostPort(member.getAddress().getHost(), member.getAddress().getPort()).toString();
        String name = member.getAttribute(ClusterMember.NODE_NAME_ATTRIBUTE);
        return new MemberInfo(member.getUuid(), address, name == null ? address : name, member.localMember(),
                member.getAttribute(Build.ATTRIBUTE));
    }
}
