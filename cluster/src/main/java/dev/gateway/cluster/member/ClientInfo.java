package dev.gateway.cluster.member;

import com.hazelcast.client.Client;
import com.hazelcast.core.HazelcastInstance;
import java.io.Serial;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Objects;
import java.util.UUID;

/**
 * One Hazelcast client of the members (a client-mode gateway node) as the node shows it ({@code /admin/cluster}).
 * Serializable: a member sends its list to a client node ({@link ConnectedClientsCall}); its package is on the
 * deserialization allow-list.
 *
 * @param uuid     Hazelcast's client id; a restarted node gets a new one
 * @param address  {@code host:port} the member sees the client's connection from
 * @param nodeName the client's {@code gateway.node-name} label, or its Hazelcast instance name without one
 * @param local    whether this is the client of the node asking
 */
public record ClientInfo(UUID uuid, String address, String nodeName, boolean local) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final String NODE_NAME_LABEL = ClusterMember.NODE_NAME_ATTRIBUTE + "=";

    public ClientInfo {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(nodeName, "nodeName");
    }

    /** This info as seen by the node whose client is {@code localClient} (null: by a member, which is no client). */
    ClientInfo seenBy(UUID localClient) {
        boolean isLocal = uuid.equals(localClient);
        return isLocal == local ? this : new ClientInfo(uuid, address, nodeName, isLocal);
    }

    /** A connected client as a member knows it; its node name from the label the client sets ({@code ClientConfigs}). */
    static ClientInfo of(Client client) {
        InetSocketAddress socket = client.getSocketAddress();
        String address = socket == null ? "?" : socket.getHostString() + ":" + socket.getPort();
        String name = client.getLabels().stream().filter(label -> label.startsWith(NODE_NAME_LABEL))
                .map(label -> label.substring(NODE_NAME_LABEL.length())).findFirst()
                .orElse(client.getName() == null ? address : client.getName());
        return new ClientInfo(client.getUuid(), address, name, false);
    }

    /** The clients connected to {@code member}, by node name (an ArrayList: a member sends it to a client node). */
    static ArrayList<ClientInfo> connectedTo(HazelcastInstance member) {
        ArrayList<ClientInfo> clients = new ArrayList<>();
        member.getClientService().getConnectedClients().forEach(client -> clients.add(of(client)));
        clients.sort(Comparator.comparing(ClientInfo::nodeName));
        return clients;
    }
}
